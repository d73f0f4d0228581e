import ArchAdvisorCore
import Foundation

/// One file of a planned project.
public struct PlannedFile: Sendable, Equatable {
    /// Path relative to the project root, `/`-separated.
    public var path: String
    public var contents: String
    /// True for scripts (`*.sh`), written with mode 0755.
    public var isExecutable: Bool

    public init(path: String, contents: String, isExecutable: Bool) {
        self.path = path
        self.contents = contents
        self.isExecutable = isExecutable
    }
}

/// Turns a request and the templates of the knowledge base into the files of a project,
/// without touching the file system.
///
/// Template paths are `LAYER/PATH`; which layers a request uses, and in which order, is
/// said by the templates' own `layers.yaml` (``TemplateLayers``), whose conditions read the
/// decided values. `PATH` may contain `{{service}}`-style placeholders (the file is
/// rendered once per domain service) or `{{deployable}}`-style ones (once per deployable
/// unit). Files ending in `.mustache` are rendered and lose that suffix; other files are
/// copied verbatim. Files under `partials/` are Mustache partials (`partials/LAYER/NAME`
/// fills slot `NAME` when LAYER applies), and files outside any layer (such as the
/// templates' own README) are never emitted. See `rules/templates/README.md`.
public enum ScaffoldPlanner {
    /// The template suffix that marks a file to render.
    public static let templateSuffix = ".mustache"

    /// Plans the project for `request`; throws ``ScaffoldError`` for invalid names or
    /// decisions and for broken templates. `decisions` are the knowledge base's decisions
    /// (what `layers.yaml` may name); `cache` holds the parsed templates (a new one per call
    /// unless given). The result is sorted by path.
    public static func plan(_ request: ScaffoldRequest, templates: [TemplateFile],
                            decisions: [TemplateLayers.DecisionValues], cache: TemplateCache = TemplateCache()) throws -> [PlannedFile] {
        try ScaffoldNames.validate(project: request.projectName, services: request.services)
        let variant = try ScaffoldVariant(request)
        let byLayer = Dictionary(grouping: templates) { layer(of: $0.path) ?? "" }
        let table = try layerTable(templates, decisions: decisions)
        let applied: [String]
        do {
            applied = try table.applying(request.decisions.merging(variant.decided) { _, normalised in normalised })
        } catch {
            throw ScaffoldError.unsupportedDecision(decision: error.decision, value: error.value)
        }
        for layer in applied where byLayer[layer] == nil {
            throw ScaffoldError.missingTemplateLayer(layer)
        }

        let library = try partials(byLayer[TemplateLayers.partialsFolder] ?? [], layers: table.layers.map(\.folder),
                                   applied: applied, cache: cache)
        let context = ScaffoldContext(request: request, variant: variant)
        var planned: [String: PlannedFile] = [:]
        for layer in applied {
            for template in byLayer[layer] ?? [] {
                for file in try render(template, layer: layer, context: context, library: library, cache: cache) {
                    planned[file.path] = file
                }
            }
        }
        return planned.values.sorted { $0.path < $1.path }
    }

    /// The layer of a template path, or nil for files outside any layer.
    static func layer(of path: String) -> String? {
        guard let slash = path.firstIndex(of: "/") else { return nil }
        return String(path[..<slash])
    }

    /// The compiled `layers.yaml` of `templates`.
    private static func layerTable(_ templates: [TemplateFile], decisions: [TemplateLayers.DecisionValues]) throws -> TemplateLayers {
        guard let file = templates.first(where: { $0.path == TemplateLayers.file }) else {
            throw ScaffoldError.templateSyntax(path: TemplateLayers.file, message: "missing: the knowledge base does not say which layers apply")
        }
        do {
            // The folders were checked by `kb build`; here a missing one is missingTemplateLayer.
            return try TemplateLayers.compile(text: file.contents, file: TemplateLayers.file, decisions: decisions, templatePaths: nil)
        } catch {
            let problems = error.diagnostics.map { "line \($0.location.line), column \($0.location.column): \($0.message)" }
            throw ScaffoldError.templateSyntax(path: TemplateLayers.file, message: problems.joined(separator: "; "))
        }
    }

    private enum Expansion { case once, perService, perDeployable }

    private static let serviceKeys: Set<String> = [
        "service", "Service", "SERVICE", "serviceTarget", "serviceTestTarget", "serviceAPITarget", "protoPackage",
    ]
    private static let deployableKeys: Set<String> = [
        "deployable", "Deployable", "DEPLOYABLE", "deployableTarget", "deployableBinary",
    ]

    private static func render(
        _ template: TemplateFile, layer: String, context: ScaffoldContext, library: TemplateCache.Partials, cache: TemplateCache
    ) throws -> [PlannedFile] {
        var relative = String(template.path.dropFirst(layer.count + 1))
        let isTemplate = relative.hasSuffix(templateSuffix)
        if isTemplate { relative.removeLast(templateSuffix.count) }

        let tags = placeholderNames(in: relative)
        let expansion: Expansion
        switch (!tags.isDisjoint(with: serviceKeys), !tags.isDisjoint(with: deployableKeys)) {
        case (true, true): throw ScaffoldError.ambiguousTemplatePath(template.path)
        case (true, false): expansion = .perService
        case (false, true): expansion = .perDeployable
        case (false, false): expansion = .once
        }

        let items: [[String: Any]]
        switch expansion {
        case .once: items = [[:]]
        case .perService: items = context.services
        case .perDeployable: items = context.deployables
        }
        let body = isTemplate ? template.contents : nil
        return try items.map { item in
            let values = item.isEmpty ? context.top : context.merged(with: item)
            let path = try cache.render(relative, path: template.path, values: values, partials: library)
            try checkSafe(path, template: template.path)
            let contents = try body.map { try cache.render($0, path: template.path, values: values, partials: library) } ?? template.contents
            return PlannedFile(path: path, contents: contents, isExecutable: path.hasSuffix(".sh"))
        }
    }

    /// The partials: `partials/NAME` as `NAME`, then for each applied layer in order its
    /// `partials/LAYER/NAME` as `NAME` (filling slot NAME over the default); partials of
    /// layers that do not apply are left out. An empty partial is not registered (a
    /// missing partial renders as nothing).
    private static func partials(_ files: [TemplateFile], layers: [String], applied: [String],
                                 cache: TemplateCache) throws -> TemplateCache.Partials {
        var named: [String: TemplateFile] = [:]
        var fills: [String: [(String, TemplateFile)]] = [:]
        for file in files {
            var name = String(file.path.dropFirst(TemplateLayers.partialsFolder.count + 1))
            if name.hasSuffix(templateSuffix) { name.removeLast(templateSuffix.count) }
            if let slash = name.firstIndex(of: "/"), layers.contains(String(name[..<slash])) {
                fills[String(name[..<slash]), default: []].append((String(name[name.index(after: slash)...]), file))
            } else {
                named[name] = file
            }
        }
        for layer in applied {
            for (name, file) in fills[layer] ?? [] { named[name] = file }
        }
        return try cache.partials(named.sorted { $0.key < $1.key }.filter { !$0.value.contents.isEmpty }
            .map { (name: $0.key, text: $0.value.contents, path: $0.value.path) })
    }

    /// Names used in `{{name}}` tags of a template path.
    static func placeholderNames(in path: String) -> Set<String> {
        var names = Set<String>()
        var rest = Substring(path)
        while let open = rest.range(of: "{{") {
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else { break }
            let name = afterOpen[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            names.insert(String(name.drop { "#^/&{".contains($0) }))
            rest = afterOpen[close.upperBound...]
        }
        return names
    }

    private static func checkSafe(_ path: String, template: String) throws {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        let unsafe = path.isEmpty || path.hasPrefix("/") || path.contains("\\") || path.contains("\0")
            || path.contains("{{") || parts.contains { $0.isEmpty || $0 == "." || $0 == ".." }
        if unsafe { throw ScaffoldError.unsafeTemplatePath(template: template, rendered: path) }
    }
}
