/// A type-checked condition, ready to evaluate over answer values.
///
/// Values live in slots: one per question, then one per decision. Booleans are 0 and 1,
/// choices the index of the chosen value, integers themselves. A decision that does not
/// apply holds ``Condition/null``.
public indirect enum Condition: Sendable, Equatable {
    case constant(Bool)
    case compare(slot: Int, ComparisonOperator, Int)
    case compareSlots(Int, ComparisonOperator, Int)
    case member(slot: Int, [Int], negated: Bool)
    case not(Condition)
    case and(Condition, Condition)
    case or(Condition, Condition)

    /// The value of a slot that has none (a decision that does not apply).
    public static let null = Int.min

    /// Evaluates the condition over `values`.
    @inlinable
    public func evaluate(_ values: UnsafeBufferPointer<Int>) -> Bool {
        switch self {
        case .constant(let b):
            return b
        case .compare(let slot, let op, let constant):
            let v = values[slot]
            if v == Condition.null { return op == .notEqual }
            return op.holds(v, constant)
        case .compareSlots(let a, let op, let b):
            let x = values[a], y = values[b]
            if x == Condition.null || y == Condition.null { return op == .notEqual }
            return op.holds(x, y)
        case .member(let slot, let set, let negated):
            let v = values[slot]
            if v == Condition.null { return negated }
            return set.contains(v) != negated
        case .not(let c):
            return !c.evaluate(values)
        case .and(let a, let b):
            return a.evaluate(values) && b.evaluate(values)
        case .or(let a, let b):
            return a.evaluate(values) || b.evaluate(values)
        }
    }

    /// Convenience over an array.
    public func evaluate(_ values: [Int]) -> Bool {
        values.withUnsafeBufferPointer { evaluate($0) }
    }

    /// Three-valued evaluation: `nil` when the answer depends on slots not yet known.
    /// `known[slot]` says whether `values[slot]` is fixed; `ranges` bound unknown integer
    /// slots so that comparisons decided by the range alone are still answered.
    public func evaluate(partial values: [Int], known: [Bool], ranges: [ClosedRange<Int>?]) -> Bool? {
        func bounds(_ slot: Int) -> ClosedRange<Int>? {
            known[slot] ? values[slot]...values[slot] : ranges[slot]
        }
        switch self {
        case .constant(let b):
            return b
        case .compare(let slot, let op, let c):
            if known[slot] { return evaluate(values) }
            guard let r = ranges[slot] else { return nil }
            return Self.decide(r, op, c...c)
        case .compareSlots(let a, let op, let b):
            if known[a] && known[b] { return evaluate(values) }
            guard let ra = bounds(a), let rb = bounds(b) else { return nil }
            return Self.decide(ra, op, rb)
        case .member(let slot, let set, let negated):
            if known[slot] { return evaluate(values) }
            guard let r = ranges[slot] else { return nil }
            let inside = set.filter { r.contains($0) }.count
            if inside == 0 { return negated }
            if inside == r.count { return !negated }
            return nil
        case .not(let c):
            return c.evaluate(partial: values, known: known, ranges: ranges).map { !$0 }
        case .and(let a, let b):
            let x = a.evaluate(partial: values, known: known, ranges: ranges)
            if x == false { return false }
            let y = b.evaluate(partial: values, known: known, ranges: ranges)
            if y == false { return false }
            return (x == true && y == true) ? true : nil
        case .or(let a, let b):
            let x = a.evaluate(partial: values, known: known, ranges: ranges)
            if x == true { return true }
            let y = b.evaluate(partial: values, known: known, ranges: ranges)
            if y == true { return true }
            return (x == false && y == false) ? false : nil
        }
    }

    private static func decide(_ a: ClosedRange<Int>, _ op: ComparisonOperator, _ b: ClosedRange<Int>) -> Bool? {
        switch op {
        case .less: a.upperBound < b.lowerBound ? true : (a.lowerBound >= b.upperBound ? false : nil)
        case .lessOrEqual: a.upperBound <= b.lowerBound ? true : (a.lowerBound > b.upperBound ? false : nil)
        case .greater: a.lowerBound > b.upperBound ? true : (a.upperBound <= b.lowerBound ? false : nil)
        case .greaterOrEqual: a.lowerBound >= b.upperBound ? true : (a.upperBound < b.lowerBound ? false : nil)
        case .equal:
            if a.count == 1 && b.count == 1 { a.lowerBound == b.lowerBound }
            else if !a.overlaps(b) { false } else { nil }
        case .notEqual:
            if a.count == 1 && b.count == 1 { a.lowerBound != b.lowerBound }
            else if !a.overlaps(b) { true } else { nil }
        }
    }

    /// Every slot the condition reads.
    public var slots: Set<Int> {
        switch self {
        case .constant: []
        case .compare(let s, _, _), .member(let s, _, _): [s]
        case .compareSlots(let a, _, let b): [a, b]
        case .not(let c): c.slots
        case .and(let a, let b), .or(let a, let b): a.slots.union(b.slots)
        }
    }

    /// Integer constants the condition compares slot `slot` with: the places where the
    /// outcome can change as that answer moves.
    public func thresholds(for slot: Int) -> [(ComparisonOperator, Int)] {
        switch self {
        case .compare(let s, let op, let c) where s == slot: [(op, c)]
        case .member(let s, let set, _) where s == slot: set.map { (.equal, $0) }
        case .not(let c): c.thresholds(for: slot)
        case .and(let a, let b), .or(let a, let b): a.thresholds(for: slot) + b.thresholds(for: slot)
        default: []
        }
    }
}
