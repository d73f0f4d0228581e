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

/// A JSON Schema (draft 2020-12) for `archadvisor check --format json`.
public enum CheckReportSchema {
    public static func render(_ kb: KnowledgeBase) -> String {
        let decisions = kb.decisions.map { d in
            "        \(JSONText.quoted(d.id)): {\"enum\": [" + d.options.map { JSONText.quoted($0.value) }.joined(separator: ", ") + ", null]}"
        }.joined(separator: ",\n")
        return """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://archadvisor.dev/schema/check-\(kb.sourceHash.prefix(12)).json",
          "title": "archadvisor check report",
          "type": "object",
          "required": ["knowledge_base", "date", "files", "summary"],
          "additionalProperties": false,
          "properties": {
            "knowledge_base": {"type": "string", "description": "Hash of the knowledge base the files were checked with."},
            "date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "The date waivers were compared with."},
            "files": {"type": "array", "items": {"$ref": "#/$defs/file"}},
            "rule_packs": {
              "type": "array",
              "description": "Organisation rule packs layered over the guidance (--rules), in order; absent without any.",
              "items": {
                "type": "object",
                "required": ["id", "title", "owner"],
                "additionalProperties": false,
                "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "owner": {"type": "string"}}
              }
            },
            "summary": {
              "type": "object",
              "required": ["files", "errors", "warnings", "notes", "suppressed"],
              "additionalProperties": false,
              "properties": {
                "files": {"type": "integer", "minimum": 0},
                "errors": {"type": "integer", "minimum": 0},
                "warnings": {"type": "integer", "minimum": 0},
                "notes": {"type": "integer", "minimum": 0},
                "suppressed": {"type": "integer", "minimum": 0}
              }
            }
          },
          "$defs": {
            "decisions": {
              "type": "object",
              "additionalProperties": false,
              "properties": {
        \(decisions)
              }
            },
            "file": {
              "type": "object",
              "required": ["file", "service", "decisions", "current", "findings"],
              "additionalProperties": false,
              "properties": {
                "file": {"type": "string"},
                "service": {"type": "string"},
                "decisions": {"oneOf": [{"$ref": "#/$defs/decisions"}, {"type": "null"}], "description": "The recommendation; null when the file is invalid."},
                "current": {"$ref": "#/$defs/decisions", "description": "What the service runs today, as the file says."},
                "findings": {"type": "array", "items": {"$ref": "#/$defs/finding"}}
              }
            },
            "finding": {
              "type": "object",
              "required": ["id", "severity", "file", "line", "decision", "message", "suppressed"],
              "additionalProperties": false,
              "properties": {
                "id": {"type": "string", "pattern": "^(drift|close-call|rests-on-defaults)/[a-z0-9_]+$|^waiver-expired$|^invalid-answers$|^policy/[a-z0-9-]+$"},
                "severity": {"enum": ["error", "warning", "note"]},
                "file": {"type": "string"},
                "line": {"type": "integer", "minimum": 1},
                "decision": {"type": ["string", "null"]},
                "message": {"type": "string"},
                "suppressed": {"type": "boolean"},
                "waiver": {
                  "type": "object",
                  "required": ["reason", "owner", "expires"],
                  "additionalProperties": false,
                  "properties": {
                    "reason": {"type": "string"},
                    "owner": {"type": "string"},
                    "expires": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
                  }
                }
              }
            }
          }
        }

        """
    }
}
