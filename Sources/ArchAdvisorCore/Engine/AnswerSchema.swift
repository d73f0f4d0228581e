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
        // What `archadvisor check` reads: what the service runs today, and waivers.
        let current = kb.decisions.map { d in
            "        \(JSONText.quoted(d.id)): {\"enum\": [" + d.options.map { JSONText.quoted($0.value) }.joined(separator: ", ") + ", null]}"
        }
        props.append("""
                "current": {
                  "description": "What the service runs today, decision by decision; archadvisor check reports where it differs from the recommendation (drift/DECISION).",
                  "type": "object",
                  "properties": {
            \(current.joined(separator: ",\n"))
                  },
                  "additionalProperties": false
                }
            """)
        props.append("""
                "waivers": {
                  "description": "Findings of archadvisor check accepted for now: each with the finding id (e.g. drift/architecture), why, who owns it and when it expires.",
                  "type": "array",
                  "items": {
                    "type": "object",
                    "properties": {
                      "finding": {"type": "string"},
                      "reason": {"type": "string", "minLength": 1},
                      "owner": {"type": "string", "minLength": 1},
                      "expires": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
                    },
                    "required": ["finding", "reason", "owner", "expires"],
                    "additionalProperties": false
                  }
                }
            """)
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
