import CWharfFrameSystem
import Dispatch
import Foundation

/// Quote and newline counts of one piece, under both guesses of whether it starts inside a quoted field.
struct CSVPieceScan: Sendable {
    var quotes = 0
    /// Newlines seen with an even (0) and odd (1) number of quotes before them in the piece.
    var newlines = (0, 0)
    var firstNewline: (Int?, Int?) = (nil, nil)
    var lastNewline: (Int?, Int?) = (nil, nil)

    func count(_ parity: Int) -> Int { parity == 0 ? newlines.0 : newlines.1 }
    func first(_ parity: Int) -> Int? { parity == 0 ? firstNewline.0 : firstNewline.1 }
    func last(_ parity: Int) -> Int? { parity == 0 ? lastNewline.0 : lastNewline.1 }

    static func scan(_ b: UnsafeBufferPointer<UInt8>, newline: UInt8) -> CSVPieceScan {
        var s = CSVPieceScan()
        var inQuote = 0
        var n = (0, 0), q = 0
        var f0 = -1, f1 = -1, l0 = -1, l1 = -1
        let base = b.baseAddress!
        let count = b.count
        var i = 0
        @inline(__always) func found(_ at: Int) {
            if inQuote == 0 { n.0 += 1; l0 = at; if f0 < 0 { f0 = at } } else { n.1 += 1; l1 = at; if f1 < 0 { f1 = at } }
        }
        // 64 bytes at a time: blocks without quotes only count their newlines.
        while i + 64 <= count {
            let block = wharf_csv_block64(base + i, 0, newline)
            if block.quotes == 0 {
                let lines = block.newlines
                if lines != 0 {
                    let c = lines.nonzeroBitCount
                    let first = i + lines.trailingZeroBitCount
                    let last = i + 63 - lines.leadingZeroBitCount
                    if inQuote == 0 {
                        n.0 += c; l0 = last; if f0 < 0 { f0 = first }
                    } else {
                        n.1 += c; l1 = last; if f1 < 0 { f1 = first }
                    }
                }
            } else {
                for k in i..<(i + 64) {
                    let c = base[k]
                    if c == 34 { inQuote ^= 1; q += 1 } else if c == newline { found(k) }
                }
            }
            i += 64
        }
        while i < count {
            let c = base[i]
            if c == 34 { inQuote ^= 1; q += 1 } else if c == newline { found(i) }
            i += 1
        }
        s.quotes = q
        s.newlines = n
        s.firstNewline = (f0 < 0 ? nil : f0, f1 < 0 ? nil : f1)
        s.lastNewline = (l0 < 0 ? nil : l0, l1 < 0 ? nil : l1)
        return s
    }
}

/// Results written by worker threads at distinct indices.
final class ParallelSlots<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    let count: Int
    init(_ count: Int, _ initial: T) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: initial, count: count)
    }
    deinit {
        pointer.deinitialize(count: count)
        pointer.deallocate()
    }
    subscript(i: Int) -> T {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }
    var array: [T] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}

extension CSVReader {
    /// Parses the records in bytes `start..<end` (which begins at a record start). When not `final`, only complete
    /// records are read and the frame reports where the next window starts.
    func parseWindow(from start: Int, to end: Int, final: Bool) throws(FrameError) -> WindowResult {
        let length = end - start
        // Pieces of at most 1 MiB: each is copied into a reused buffer that stays in the core's L2 cache while it
        // is scanned or parsed.
        let pieceSize = max(1 << 18, min(1 << 20, length / max(1, threads * 4) + 1))
        let pieceCount = max(1, (length + pieceSize - 1) / pieceSize)
        let source = self.source
        let newline = self.newline
        let scans = ParallelSlots(pieceCount, CSVPieceScan())
        let pool = ReadBufferPool()
        let readErrors = ParallelSlots<FrameError?>(pieceCount, nil)
        DispatchQueue.concurrentPerform(iterations: pieceCount) { i in
            let s = start + i * pieceSize
            let e = min(end, s + pieceSize)
            do throws(FrameError) {
                scans[i] = try pool.withBytes(source, s..<e) { CSVPieceScan.scan($0, newline: newline) }
            } catch {
                readErrors[i] = error
            }
        }
        if let e = readErrors.array.compactMap({ $0 }).first { throw e }

        // Record boundaries: each piece's first newline outside quotes, knowing the quote parity at its start.
        var segStarts = [start]
        var segBounds = [0]
        var parity = 0
        var windowEnd = end
        if !final {
            var p = 0
            var lastBoundary: Int? = nil
            for i in 0..<pieceCount {
                if let l = scans[i].last(p) { lastBoundary = start + i * pieceSize + l + 1 }
                p ^= scans[i].quotes & 1
            }
            guard let lastBoundary else { return .needMore }
            windowEnd = lastBoundary
        }
        for i in 0..<pieceCount {
            let pieceStart = start + i * pieceSize
            if pieceStart >= windowEnd { break }
            let scan = scans[i]
            let outside = scan.count(parity)
            if i > 0, let f = scan.first(parity), pieceStart + f + 1 <= windowEnd {
                segBounds[segBounds.count - 1] += 1
                let b = pieceStart + f + 1
                if b < windowEnd {
                    segStarts.append(b)
                    segBounds.append(outside - 1)
                }
            } else {
                segBounds[segBounds.count - 1] += outside
            }
            parity ^= scan.quotes & 1
        }
        if !options.strictQuotes {
            // Quotes inside unquoted fields break the parity rule, so a lenient read is one serial segment.
            segStarts = [start]
            segBounds = [(0..<pieceCount).reduce(0) { $0 + scans[$1].newlines.0 + scans[$1].newlines.1 }]
        }
        if final, length > 0 {
            // Room for a last record without a newline, or for the record an unclosed quote swallows
            // (the parser then reports it).
            segBounds[segBounds.count - 1] += 1
        }
        return try parseSegments(starts: segStarts, bounds: segBounds, windowEnd: windowEnd)
    }

    private func parseSegments(starts: [Int], bounds: [Int], windowEnd: Int) throws(FrameError) -> WindowResult {
        let total = bounds.reduce(0, +)
        var bases = [Int]()
        var acc = 0
        for b in bounds { bases.append(acc); acc += b }
        let rowBase = bases
        let sinks = selected.map { j in CSVColumnSink(name: fieldNames[j], type: fieldTypes[j], capacity: total) }
        var fieldToSink = [Int](repeating: -1, count: fieldNames.count)
        for (k, j) in selected.enumerated() { fieldToSink[j] = k }
        let outcomes = ParallelSlots<CSVSegmentOutcome?>(starts.count, nil)
        let readErrors = ParallelSlots<FrameError?>(starts.count, nil)
        let pool = ReadBufferPool()
        let source = self.source
        let names = fieldNames, options = self.options
        CSVColumnSink.withSlots(sinks[...]) { slots in
            let parser = CSVSegmentParser(fieldCount: names.count, fieldToSink: fieldToSink, fieldNames: names,
                                          sinks: sinks, slots: slots, na: NATokens(options.naTokens), delimiter: options.delimiter,
                                          strict: options.strictQuotes, parseDates: options.parseDates, newline: newline)
            DispatchQueue.concurrentPerform(iterations: starts.count) { k in
                let s = starts[k]
                let e = k + 1 < starts.count ? starts[k + 1] : windowEnd
                do throws(FrameError) {
                    outcomes[k] = try pool.withBytes(source, s..<e) { parser.parse($0, rowBase: rowBase[k], maxRows: bounds[k]) }
                } catch {
                    readErrors[k] = error
                }
            }
        }
        let results = outcomes.array
        if let e = readErrors.array.compactMap({ $0 }).first {
            throw e
        }
        for (k, r) in results.enumerated() {
            if let (error, offset) = r!.error {
                    var e = error
                let line = try lineNumber(at: starts[k] + offset)
                e.line = line
                e.message = "line \(line): " + e.message
                throw e
            }
        }
        var widening = Widening()
        for (k, r) in results.enumerated() {
            for (s, t) in r!.widen {
                let j = selected[s]
                let joined = widening.types[j].map { prev in wider(prev, t) } ?? t
                widening.types[j] = joined
                if widening.misfits[j] == nil, let m = r!.misfit[s] { widening.misfits[j] = (m.text, starts[k] + m.offset) }
            }
        }
        if !widening.types.isEmpty {
            return .widen(widening)
        }
        // Compact segments that had fewer records than newlines (blank lines), then hand buffers to columns.
        var dest = 0
        var nulls = [[Int]](repeating: [], count: sinks.count)
        for (k, r) in results.enumerated() {
            let r = r!
            if dest != rowBase[k] { for sink in sinks { sink.move(from: rowBase[k], to: dest, count: r.rows) } }
            for s in 0..<sinks.count where !r.nullRows[s].isEmpty { nulls[s].append(contentsOf: r.nullRows[s].map { $0 + dest }) }
            dest += r.rows
        }
        // Columns are handed over in parallel: each is a copy into its final array.
        let finished = ParallelSlots<Result<Column, FrameError>?>(sinks.count, nil)
        let rows = dest
        let nullRows = nulls
        DispatchQueue.concurrentPerform(iterations: sinks.count) { s in
            do throws(FrameError) {
                finished[s] = .success(try sinks[s].finish(count: rows, nullRows: nullRows[s]))
            } catch {
                finished[s] = .failure(error)
            }
        }
        var columns: [Column] = []
        for r in finished.array {
            switch r! {
            case .success(let c): columns.append(c)
            case .failure(let e): throw e
            }
        }
        return .frame(try DataFrame(columns), end: windowEnd)
    }

    private func wider(_ a: DataType, _ b: DataType) -> DataType {
        if a == b { return a }
        if Set([a, b]) == Set([.int64, .double]) { return .double }
        if Set([a, b]) == Set([.date, .timestamp]) { return .timestamp }
        return .string
    }
}

/// Read buffers reused across pieces, so each piece costs a `pread` and no fresh pages. (Mapping each piece
/// instead, with no copy, cost more: on a 243 MB file, mapping and unmapping twice took about a fifth of the read's
/// CPU time, the copies far less.)
final class ReadBufferPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [UnsafeMutableRawBufferPointer] = []

    deinit { for b in free { b.deallocate() } }

    func withBytes<R>(_ source: any ByteSource, _ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) -> R) throws(FrameError) -> R {
        lock.lock()
        var buffer = free.popLast()
        lock.unlock()
        if let b = buffer, b.count < range.count {
            b.deallocate()
            buffer = nil
        }
        let b = buffer ?? .allocate(byteCount: Swift.max(range.count, 1 << 16), alignment: 64)
        defer {
            lock.lock()
            free.append(b)
            lock.unlock()
        }
        if !range.isEmpty { try source.read(at: range.lowerBound, count: range.count, into: b.baseAddress!) }
        return body(UnsafeBufferPointer(start: b.baseAddress!.assumingMemoryBound(to: UInt8.self), count: range.count))
    }
}
