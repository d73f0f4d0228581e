/// A JSON Schema (draft 2020-12) for answer files, generated from the knowledge base so
/// editors check answer files against the questions that exist.
public enum AnswerSchema {
    public static func render(_ kb: KnowledgeBase) -> String {
        var props: [String] = []
        for q in kb.questions {
            var fields = ["\"description\": \(JSONText.quoted(q.prompt + (q.help.isEmpty ? "" : " " + q.help)))"]
            switch q.kind {
            case .integer(let r):
                fields += ["\"type\": \"integer\"", "\"minimum\": \(r.lowerBound)", "\"maximum\": \(r.upperBound)"]
            case .boolean:
                fields.append("\"type\": \"boolean\"")
            case .choice(let c):
                fields += ["\"type\": \"string\"", "\"enum\": [" + c.map { JSONText.quoted($0.value) }.joined(separator: ", ") + "]"]
            }
            fields.append("\"default\": \(q.jsonValue(q.defaultValue))")
            props.append("    \(JSONText.quoted(q.id)): {\n      " + fields.joined(separator: ",\n      ") + "\n    }")
        }
        props.append("    \"$schema\": {\n      \"type\": \"string\"\n    }")
        return """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://archadvisor.dev/schema/answers-\(kb.sourceHash.prefix(12)).json",
          "title": "archadvisor answers",
          "description": "Answers to archadvisor's questions. Missing questions take their defaults; keys starting with x- are ignored.",
          "type": "object",
          "properties": {
        \(props.joined(separator: ",\n"))
          },
          "patternProperties": {
            "^x-": {}
          },
          "additionalProperties": false
        }

        """
    }
}
