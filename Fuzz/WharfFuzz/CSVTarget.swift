@testable import WharfFrame

/// CSV: `CSVReader` with options taken from the first two bytes, read whole and in small windows.
/// When both reads succeed they must hold the same records.
enum CSVTarget {
    static let target = FuzzTarget(name: "csv", summary: "WharfFrame CSVReader (whole file and windows)") { buffer in
        var input = FuzzInput(buffer)
        let flags = input.byte()
        let window = Int(input.byte()) + 1
        var options = CSVOptions()
        options.delimiter = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")][Int(flags & 3)]
        options.hasHeader = flags & 4 == 0
        options.strictQuotes = flags & 8 == 0
        options.parseDates = flags & 16 == 0
        options.threads = flags & 32 == 0 ? 1 : 2
        options.inferenceRows = flags & 64 == 0 ? 5000 : 2
        if flags & 128 != 0 { options.unnamedIndex = .keep("index") }
        let bytes = input.rest
        guard let reader = try? CSVReader(source: MemoryByteSource(bytes), options: options, label: "fuzz") else { return }
        let whole = try? reader.readAll()
        var chunks = CSVChunks(reader: reader, position: reader.dataStart, bytes: window)
        var rows = 0
        do {
            while let frame = try chunks.next() { rows += frame.rowCount }
        } catch {
            return
        }
        if let whole { precondition(whole.rowCount == rows, "whole read has \(whole.rowCount) records, windows of \(window) bytes \(rows)") }
    }
}
