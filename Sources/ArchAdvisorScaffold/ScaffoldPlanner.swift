import Foundation
import Mustache

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
/// Template paths are `LAYER/PATH`; the layers a request uses are listed by
/// ``ScaffoldVariant``. `PATH` may contain `{{service}}`-style placeholders (the file is
/// rendered once per domain service) or `{{deployable}}`-style ones (once per deployable
/// unit). Files ending in `.mustache` are rendered and lose that suffix; other files are
/// copied verbatim. Files under `partials/` are Mustache partials, and files outside any
/// layer (such as the templates' own README) are never emitted. See
/// `rules/templates/README.md`.
public enum ScaffoldPlanner {
    /// The template suffix that marks a file to render.
    public static let templateSuffix = ".mustache"

    /// Plans the project for `request`; throws ``ScaffoldError`` for invalid names or
    /// decisions and for broken templates. The result is sorted by path.
    public static func plan(_ request: ScaffoldRequest, templates: [TemplateFile]) throws -> [PlannedFile] {
        try ScaffoldNames.validate(project: request.projectName, services: request.services)
        let variant = try ScaffoldVariant(request)
        let byLayer = Dictionary(grouping: templates) { layer(of: $0.path) ?? "" }

        if variant.grpc && byLayer["grpc"] == nil {
            throw ScaffoldError.unsupportedDecision(decision: "sync_protocol", value: "grpc")
        }
        for layer in variant.layers where byLayer[layer] == nil {
            throw ScaffoldError.missingTemplateLayer(layer)
        }

        let library = try partials(byLayer["partials"] ?? [])
        let context = ScaffoldContext(request: request, variant: variant)
        var planned: [String: PlannedFile] = [:]
        for layer in variant.layers + variant.optionalLayers {
            for template in byLayer[layer] ?? [] {
                for file in try render(template, layer: layer, context: context, library: library) {
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

    private enum Expansion { case once, perService, perDeployable }

    private static let serviceKeys: Set<String> = [
        "service", "Service", "SERVICE", "serviceTarget", "serviceTestTarget", "serviceAPITarget", "protoPackage",
    ]
    private static let deployableKeys: Set<String> = [
        "deployable", "Deployable", "DEPLOYABLE", "deployableTarget", "deployableBinary",
    ]

    private static func render(
        _ template: TemplateFile, layer: String, context: ScaffoldContext, library: MustacheLibrary
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

        let pathTemplate = try parse(relative, path: template.path)
        let bodyTemplate = isTemplate ? try parse(template.contents, path: template.path) : nil
        let items: [[String: Any]]
        switch expansion {
        case .once: items = [[:]]
        case .perService: items = context.services
        case .perDeployable: items = context.deployables
        }
        return try items.map { item in
            let values = item.isEmpty ? context.top : context.merged(with: item)
            let path = pathTemplate.render(values, library: library)
            try checkSafe(path, template: template.path)
            let contents = bodyTemplate?.render(values, library: library) ?? template.contents
            return PlannedFile(path: path, contents: contents, isExecutable: path.hasSuffix(".sh"))
        }
    }

    /// Parses Mustache text as plain text output (no HTML escaping).
    private static func parse(_ text: String, path: String) throws -> MustacheTemplate {
        do {
            return try MustacheTemplate(string: "{{%CONTENT_TYPE:TEXT}}\n" + text)
        } catch let error as MustacheTemplate.ParserError {
            // Line numbers count the pragma line added above.
            let context = error.context
            throw ScaffoldError.templateSyntax(
                path: path,
                message: "line \(max(context.lineNumber - 1, 1)), column \(context.columnNumber): Mustache syntax error (\(error.error))")
        } catch {
            throw ScaffoldError.templateSyntax(path: path, message: "Mustache syntax error (\(error))")
        }
    }

    private static func partials(_ files: [TemplateFile]) throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for file in files {
            var name = String(file.path.dropFirst("partials/".count))
            if name.hasSuffix(templateSuffix) { name.removeLast(templateSuffix.count) }
            library.register(try parse(file.contents, path: file.path), named: name)
        }
        return library
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
