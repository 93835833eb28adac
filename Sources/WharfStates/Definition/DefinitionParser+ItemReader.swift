import Foundation

extension DefinitionParser {
    mutating func parseItemReader(_ v: JSONValue, language: QueryLanguage, location: String) -> ItemReader? {
        guard case .object(let o) = v else {
            add(location, "must be an object with Resource and ReaderConfig")
            return nil
        }
        let argsField = language == .jsonPath ? "Parameters" : "Arguments"
        for k in o.keys where ![argsField, "Resource", "ReaderConfig"].contains(k) {
            add(Self.at(location, k), "field \"\(k)\" is not allowed in an ItemReader using \(language.rawValue)")
        }
        guard case .string(let resource)? = o["Resource"] else {
            add(o["Resource"] == nil ? location : Self.at(location, "Resource"),
                o["Resource"] == nil ? "missing required field \"Resource\"" : "must be a string")
            return nil
        }
        var reader = ItemReader(resource: resource)
        if let p = o[argsField] {
            reader.parameters = language == .jsonPath
                ? Template.jsonPathPayload(p, location: Self.at(location, argsField), problems: &problems)
                : Template.jsonata(p, field: argsField, location: Self.at(location, argsField), problems: &problems)
        }
        if let c = o["ReaderConfig"] {
            let loc = Self.at(location, "ReaderConfig")
            guard case .object(let cfg) = c else {
                add(loc, "must be an object")
                return reader
            }
            for k in cfg.keys where !["InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "MaxItems", "MaxItemsPath"].contains(k) {
                add(Self.at(loc, k), "field \"\(k)\" is not supported in a ReaderConfig")
            }
            if let t = cfg["InputType"] {
                if case .string(let s) = t, let type = ItemReader.InputType(rawValue: s) {
                    reader.inputType = type
                } else {
                    add(Self.at(loc, "InputType"), "must be one of JSON, JSONL, CSV, MANIFEST")
                }
            }
            if case .string("GIVEN")? = cfg["CSVHeaderLocation"] {
                guard case .array(let hs)? = cfg["CSVHeaders"], !hs.isEmpty, hs.allSatisfy({ $0.stringValue != nil }) else {
                    add(Self.at(loc, "CSVHeaders"), "must be a non-empty array of strings when CSVHeaderLocation is GIVEN")
                    return reader
                }
                reader.csvHeaders = hs.compactMap(\.stringValue)
            } else if let h = cfg["CSVHeaderLocation"], h != "FIRST_ROW" {
                add(Self.at(loc, "CSVHeaderLocation"), "must be FIRST_ROW or GIVEN")
            }
            if let d = cfg["CSVDelimiter"] {
                switch d {
                case "COMMA": reader.csvDelimiter = ","
                case "PIPE": reader.csvDelimiter = "|"
                case "SEMICOLON": reader.csvDelimiter = ";"
                case "SPACE": reader.csvDelimiter = " "
                case "TAB": reader.csvDelimiter = "\t"
                default: add(Self.at(loc, "CSVDelimiter"), "must be COMMA, PIPE, SEMICOLON, SPACE or TAB")
                }
            }
            reader.maxItems = numberField(cfg, "MaxItems", language: language, location: loc, minimum: 0, maximum: 100_000_000)
        }
        return reader
    }

    mutating func parseItemBatcher(_ v: JSONValue, language: QueryLanguage, location: String) -> ItemBatcher? {
        guard case .object(let o) = v else {
            add(location, "must be an object")
            return nil
        }
        for k in o.keys where !["MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", "BatchInput"].contains(k) {
            add(Self.at(location, k), "field \"\(k)\" is not allowed in an ItemBatcher")
        }
        var batcher = ItemBatcher()
        batcher.maxItemsPerBatch = numberField(o, "MaxItemsPerBatch", language: language, location: location, minimum: 1)
        batcher.maxInputBytesPerBatch = numberField(o, "MaxInputBytesPerBatch", language: language, location: location, minimum: 1, maximum: 262_144)
        if batcher.maxItemsPerBatch == nil, batcher.maxInputBytesPerBatch == nil {
            add(location, "an ItemBatcher needs MaxItemsPerBatch or MaxInputBytesPerBatch")
        }
        if let b = o["BatchInput"] {
            batcher.batchInput = language == .jsonPath
                ? Template.jsonPathPayload(b, location: Self.at(location, "BatchInput"), problems: &problems)
                : Template.jsonata(b, field: "BatchInput", location: Self.at(location, "BatchInput"), problems: &problems)
        }
        return batcher
    }
}
