import WharfFrame

/// JSON Lines (and arrays of records): `JSONReader` with nesting and date options from the first byte.
enum JSONLinesTarget {
    static let target = FuzzTarget(name: "jsonl", summary: "WharfFrame JSONReader (JSON Lines, arrays of records)") { buffer in
        var input = FuzzInput(buffer)
        let flags = input.byte()
        var options = JSONReader.Options()
        options.nested = flags & 1 == 0 ? .flatten(separator: ".") : .keepJSON
        options.parseDates = flags & 2 == 0
        if flags & 4 != 0 { options.schema = ["a": .string, "b": .int64, "c": .double] }
        _ = try? JSONReader.read(bytes: input.rest, options: options, label: "fuzz")
    }
}
