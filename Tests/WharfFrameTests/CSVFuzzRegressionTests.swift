import Testing
@testable import WharfFrame

/// Inputs the `csv` fuzz target (Fuzz/corpus/csv) found crashing the reader.
@Suite struct CSVFuzzRegressionTests {
    /// What a read gives: the columns and record count, or the error's code.
    func outcome(_ text: String, threads: Int = 1) -> String {
        var options = CSVOptions()
        options.threads = threads
        do {
            let frame = try CSVReader.read(string: text, options: options)
            return "\(frame.columnNames) \(frame.rowCount)"
        } catch {
            return "error \(error.code)"
        }
    }

    /// A header line without its newline and no records ended one byte past the file, and reading the
    /// records from there trapped on an inverted range.
    @Test(arguments: ["b@i", "a,b", "\u{FEFF}x", "\"quoted\",y"])
    func headerWithoutNewline(header: String) throws {
        #expect(outcome(header) == outcome(header + "\n"))
        #expect(outcome(header, threads: 2) == outcome(header + "\n", threads: 2))
        let reader = try CSVReader(source: MemoryByteSource(Array(header.utf8)))
        var chunks = reader.chunks(bytes: 1024)
        var rows = 0
        while let frame = try chunks.next() { rows += frame.rowCount }
        #expect(rows == 0)
    }
}
