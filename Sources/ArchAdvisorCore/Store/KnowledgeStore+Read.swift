import Foundation
import GRDB

extension KnowledgeStore {
    /// Opens the knowledge base at `path` read-only and loads it, checking its format and
    /// schema version and re-checking every condition.
    public static func load(path: String) throws(KnowledgeBaseError) -> KnowledgeBase {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw .missing(path: path) }
        if isDir.boolValue { throw .corrupt(path: path, reason: "it is a directory, not a file") }
        do {
            var config = Configuration()
            config.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: config)
            return try load(from: queue, path: path)
        } catch let error as KnowledgeBaseError {
            throw error
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_NOTADB { throw .corrupt(path: path, reason: "not an SQLite database") }
            throw .corrupt(path: path, reason: error.message ?? "\(error.resultCode)")
        } catch {
            throw .corrupt(path: path, reason: "\(error)")
        }
    }

    /// Loads from an open database.
    public static func load(from reader: some DatabaseReader, path: String = "knowledge base") throws -> KnowledgeBase {
        try reader.read { db in
            guard try db.tableExists("meta") else { throw KnowledgeBaseError.foreign(path: path) }
            let meta = Dictionary(try Row.fetchAll(db, sql: "SELECT key, value FROM meta").map { ($0["key"] as String, $0["value"] as String) },
                                  uniquingKeysWith: { a, _ in a })
            guard meta["format"] == format else { throw KnowledgeBaseError.foreign(path: path) }
            guard let version = meta["schema_version"].flatMap(Int.init) else {
                throw KnowledgeBaseError.corrupt(path: path, reason: "the meta table has no schema version")
            }
            guard version == schemaVersion else {
                throw KnowledgeBaseError.unsupportedSchema(path: path, version: version, supported: schemaVersion)
            }
            func bad(_ reason: String) -> KnowledgeBaseError { .corrupt(path: path, reason: reason) }
            func list(_ json: String) -> [String] {
                (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String] ?? []
            }

            let sources = try Row.fetchAll(db, sql: "SELECT id, section, kind, text, pack, url FROM sources ORDER BY position").map { row in
                guard let kind = Source.Kind(rawValue: row["kind"]) else { throw bad("source \(row["id"] as String) has an unknown kind") }
                return Source(id: row["id"], section: row["section"], kind: kind, text: row["text"], pack: row["pack"], url: row["url"])
            }

            var choices: [String: [Question.Choice]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT question_id, value, label FROM question_choices ORDER BY question_id, position") {
                choices[row["question_id"], default: []].append(.init(value: row["value"], label: row["label"]))
            }
            var questions: [Question] = []
            for row in try Row.fetchAll(db, sql: "SELECT * FROM questions ORDER BY position") {
                let id: String = row["id"]
                let kind: Question.Kind
                switch row["type"] as String {
                case "integer":
                    guard let lo = row["min"] as Int?, let hi = row["max"] as Int?, lo <= hi else { throw bad("question \(id) has no valid range") }
                    kind = .integer(lo...hi)
                case "boolean": kind = .boolean
                case "choice":
                    guard let c = choices[id], c.count >= 2 else { throw bad("question \(id) has no choices") }
                    kind = .choice(c)
                default: throw bad("question \(id) has an unknown type")
                }
                let askText: String = row["ask_when"]
                let scope = KnowledgeBase.symbols(questions: questions, decisions: [], before: nil)
                let askWhen: Condition
                do throws(ConditionError) { askWhen = try TypeChecker(symbols: scope.symbols).compile(askText) } catch {
                    throw bad("question \(id): \(error.message)")
                }
                let sourcesJSON: String = row["sources"]
                let sourceIDs = list(sourcesJSON)
                let q = Question(id: id, kind: kind, defaultValue: row["default_value"], prompt: row["prompt"], help: row["help"],
                                 askWhen: askWhen, askWhenText: askText, sources: sourceIDs)
                guard q.slotRange.contains(q.defaultValue) else { throw bad("question \(id) has a default outside its range") }
                questions.append(q)
            }

            var options: [String: [Decision.Option]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT decision_id, value, label, description, pros, cons, refines FROM decision_options ORDER BY decision_id, position") {
                options[row["decision_id"], default: []].append(.init(value: row["value"], label: row["label"], description: row["description"],
                                                                     pros: list(row["pros"]), cons: list(row["cons"]), refines: row["refines"]))
            }
            var decisions: [Decision] = []
            for row in try Row.fetchAll(db, sql: "SELECT * FROM decisions ORDER BY position") {
                let id: String = row["id"]
                let text: String = row["applies_when"]
                let scope = KnowledgeBase.symbols(questions: questions, decisions: decisions, before: nil)
                let applies: Condition
                do throws(ConditionError) { applies = try TypeChecker(symbols: scope.symbols).compile(text) } catch {
                    throw bad("decision \(id): \(error.message)")
                }
                guard let opts = options[id], opts.count >= 2 else { throw bad("decision \(id) has no options") }
                for o in opts where o.refines != nil {
                    guard let b = opts.firstIndex(where: { $0.value == o.refines }), b < opts.firstIndex(of: o)!, opts[b].refines == nil else {
                        throw bad("decision \(id): option \(o.value) refines an option that is not a base listed before it")
                    }
                }
                decisions.append(Decision(id: id, title: row["title"], appliesWhen: applies, appliesWhenText: text,
                                          clearMargin: row["clear_margin"], leaningMargin: row["leaning_margin"], options: opts))
            }

            var points: [String: [(String, Double)]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT rule_id, option, points FROM rule_points ORDER BY rule_id, position") {
                points[row["rule_id"], default: []].append((row["option"], row["points"]))
            }
            var exclusions: [String: [String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT rule_id, option FROM rule_exclusions ORDER BY rule_id, position") {
                exclusions[row["rule_id"], default: []].append(row["option"])
            }
            var rules: [Rule] = []
            // One type checker per decision, not per rule: building a scope costs more than checking a condition.
            var checkers: [Int: TypeChecker] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM rules ORDER BY position") {
                let id: String = row["id"]
                guard let d = decisions.firstIndex(where: { $0.id == row["decision_id"] as String }) else { throw bad("rule \(id) names an unknown decision") }
                let decision = decisions[d]
                let checker = checkers[d] ?? TypeChecker(symbols: KnowledgeBase.symbols(questions: questions, decisions: decisions, before: d).symbols)
                checkers[d] = checker
                let text: String = row["condition"]
                let condition: Condition
                do throws(ConditionError) { condition = try checker.compile(text) } catch {
                    throw bad("rule \(id): \(error.message)")
                }
                let p = try (points[id] ?? []).map { (value, pts) -> (option: Int, points: Double) in
                    guard let o = decision.optionIndex(value) else { throw bad("rule \(id) names an unknown option") }
                    return (o, pts)
                }
                let x = try (exclusions[id] ?? []).map { value -> Int in
                    guard let o = decision.optionIndex(value) else { throw bad("rule \(id) names an unknown option") }
                    return o
                }
                var override: RuleOverride?
                if let pack = row["override_pack"] as String? {
                    override = RuleOverride(pack: pack, source: row["override_source"] ?? "", replacedCondition: row["override_condition"] ?? "",
                                            replacedCalibration: row["override_calibration"] ?? "", location: row["override_location"] ?? "")
                }
                rules.append(Rule(id: id, decision: d, condition: condition, conditionText: text, points: p, excludes: x,
                                  why: row["why"], source: row["source_id"], location: row["location"],
                                  calibration: row["calibration"], stated: row["stated"], pack: row["pack"], override: override))
            }

            let scenarios = try Row.fetchAll(db, sql: "SELECT * FROM scenarios ORDER BY position").map { row in
                let expectJSON = (try? JSONSerialization.jsonObject(with: Data((row["expect"] as String).utf8))) as? [String: Any] ?? [:]
                let confJSON = (try? JSONSerialization.jsonObject(with: Data((row["expect_confidence"] as String).utf8))) as? [String: String] ?? [:]
                let expect = decisions.compactMap { d -> (decision: String, choice: String?)? in
                    guard let v = expectJSON[d.id] else { return nil }
                    return (d.id, v as? String)
                }
                let confidence = decisions.compactMap { d in confJSON[d.id].map { (decision: d.id, confidence: $0) } }
                return Scenario(name: row["name"], note: row["note"], location: row["location"], answers: row["answers"],
                                expect: expect, expectConfidence: confidence, pack: row["pack"])
            }
            let constraintScope = TypeChecker(symbols: KnowledgeBase.symbols(questions: questions, decisions: [], before: nil).symbols)
            let constraints = try Row.fetchAll(db, sql: "SELECT id, require, message FROM constraints ORDER BY position").map { row in
                let text: String = row["require"]
                do throws(ConditionError) {
                    return AnswerConstraint(id: row["id"], require: try constraintScope.compile(text), requireText: text, message: row["message"])
                } catch {
                    throw bad("constraint \(row["id"] as String): \(error.message)")
                }
            }
            let packs = try Row.fetchAll(db, sql: "SELECT id, title, owner, hash FROM packs ORDER BY position").map {
                RulePack(id: $0["id"], title: $0["title"], owner: $0["owner"], hash: $0["hash"])
            }
            let policyScope = TypeChecker(symbols: KnowledgeBase.symbols(questions: questions, decisions: decisions, before: nil).symbols)
            let policies = try Row.fetchAll(db, sql: "SELECT * FROM policies ORDER BY position").map { row in
                let id: String = row["id"]
                let whenText: String = row["when_condition"], requireText: String = row["require"]
                guard let severity = Severity(rawValue: row["severity"]) else { throw bad("policy \(id) has an unknown severity") }
                do throws(ConditionError) {
                    return Policy(id: id, pack: row["pack"], when: try policyScope.compile(whenText), whenText: whenText,
                                  require: try policyScope.compile(requireText), requireText: requireText, severity: severity,
                                  message: row["message"], source: row["source_id"], location: row["location"])
                } catch {
                    throw bad("policy \(id): \(error.message)")
                }
            }
            let templates = try Row.fetchAll(db, sql: "SELECT path, contents FROM templates ORDER BY path").map {
                Template(path: $0["path"], contents: $0["contents"])
            }
            return KnowledgeBase(questions: questions, decisions: decisions, rules: rules, sources: sources,
                                 scenarios: scenarios, templates: templates, sourceHash: meta["source_hash"] ?? "", constraints: constraints,
                                 policies: policies, packs: packs)
        }
    }
}
