import CWharfFrameSystem

/// Where the fields of a stretch of a segment end (delimiter and newline offsets), found 64 bytes at a time. With
/// every field's end known in advance, the numeric record loop reads fields independently of each other: finding a
/// field's end from the previous field's end, byte by byte or word by word, chains every field's work to the last.
struct CSVFieldIndex {
    /// Offsets of field ends from `start`, in order.
    let ends: UnsafeMutablePointer<UInt32>
    /// Bytes indexed at most per stretch.
    let stretch: Int
    /// Segment offset the offsets count from.
    var start = 0
    /// Offsets in `ends`.
    var count = 0
    /// The entry of the first field end of the record starting at `resume`.
    var next = 0
    /// The segment offset where the record the index continues with starts (-1: rebuild the index first).
    var resume = -1

    init(bytes: Int) {
        stretch = bytes
        // One entry per byte at most, and eight more: a block writes eight entries before it knows how many it has.
        ends = .allocate(capacity: bytes + 64 + 8)
    }

    func deallocate() { ends.deallocate() }

    /// Moves on to the record starting at `position` after the general path read the records before it: true when
    /// the newline ending them is in the index (so the index goes on from there without being rebuilt).
    mutating func seek(_ position: Int) -> Bool {
        guard resume >= 0, position > resume else { return false }
        var k = next
        while k < count, start + Int(ends[k]) + 1 < position { k += 1 }
        guard k < count, start + Int(ends[k]) + 1 == position else { return false }
        next = k + 1
        resume = position
        return true
    }

    /// Indexes from `position` to at most `limit` (where every block of 64 bytes is readable), stopping before a
    /// block with a quote: a quoted field may hold delimiters and newlines, so the general path reads it.
    mutating func build(_ base: UnsafePointer<UInt8>, from position: Int, limit: Int, delimiter: UInt8, newline: UInt8) {
        start = position
        count = 0
        next = 0
        resume = position
        let end = Swift.min(limit, position + stretch)
        var b = position
        while b < end {
            let block = wharf_csv_block64(base + b, delimiter, newline)
            var m = block.delimiters | block.newlines
            var stop = false
            if end - b < 64 { m &= (UInt64(1) << UInt64(end - b)) &- 1 }
            if block.quotes != 0 {
                m &= (block.quotes & (0 &- block.quotes)) &- 1
                stop = true
            }
            let n = m.nonzeroBitCount
            let offset = UInt32(truncatingIfNeeded: b - position)
            let out = ends + count
            for k in 0..<8 {
                out[k] = offset &+ UInt32(truncatingIfNeeded: m.trailingZeroBitCount)
                m &= m &- 1
            }
            var k = 8
            while m != 0 {
                out[k] = offset &+ UInt32(truncatingIfNeeded: m.trailingZeroBitCount)
                m &= m &- 1
                k += 1
            }
            count += n
            if stop { return }
            b += 64
        }
    }
}

/// Which columns a segment's records have, as a type: the record loop is compiled once per case, so a file of numbers
/// only gets a loop without the other types' code (small enough for the compiler to inline the number parsers).
protocol CSVRecordColumns { static var anyType: Bool { get } }
enum CSVNumberColumns: CSVRecordColumns { static var anyType: Bool { false } }
enum CSVAnyColumns: CSVRecordColumns { static var anyType: Bool { true } }

extension CSVSegmentParser {
    /// Reads whole records from `position` on while every field is one the index can take (a plain number, a text
    /// that is not an NA token, a date, a timestamp, a bool, an empty field, or a column not kept) and the record has
    /// exactly `fieldCount` fields, storing the values at rows `rowBase + out.rows`... Returns at the first record it
    /// cannot take (left to the general path, which reads it as if the index had never started it), at the last 64
    /// bytes of the segment, or at `maxRows`; `position` is then the start of the record to read next.
    @inline(__always)
    func indexedRecords<Columns: CSVRecordColumns>(_: Columns.Type, _ plan: UnsafeBufferPointer<FastField>, _ texts: UnsafeMutablePointer<CSVTextReuse>,
                        _ bytes: UnsafeBufferPointer<UInt8>, _ index: inout CSVFieldIndex,
                        position: inout Int, out: inout CSVSegmentOutcome, rowBase: Int, maxRows: Int) {
        let base = bytes.baseAddress!
        // Every indexed field then has `fastReadAhead` readable bytes after its start.
        let limit = bytes.count - 64
        let fields = plan.count
        let last = fields - 1
        let delimiter = self.delimiter, newline = self.newline
        while out.rows < maxRows, position < limit {
            if index.resume != position, !index.seek(position) {
                index.build(base, from: position, limit: limit, delimiter: delimiter, newline: newline)
            }
            let ends = index.ends
            let origin = index.start
            var e = index.next
            var record = position
            let startRows = out.rows
            var nulls = 0
            records: while out.rows < maxRows, e + fields <= index.count {
                let row = rowBase + out.rows
                var s = record
                nulls = 0
                for f in 0..<fields {
                    let end = origin + Int(ends[e + f])
                    var length = end - s
                    if f == last {
                        guard base[end] == newline else { break records }
                        if length > 0, base[end - 1] == 13 { length -= 1 }
                    } else {
                        guard base[end] == delimiter else { break records }
                    }
                    let target = plan[f]
                    let p = base + s
                    if length == 0 {
                        // A record of one empty field is a blank line, which the general path skips.
                        guard fields > 1 else { break records }
                        if target.kind == .skip { s = end + 1; continue }
                        // An empty unquoted field is null in every column type; the filler is the general path's.
                        target.storeFiller(row)
                        out.nullRows[target.sink].append(out.rows)
                        nulls += 1
                        s = end + 1
                        continue
                    }
                    switch target.kind {
                    case .double:
                        guard let v = NumberParsing.fieldDouble(p, length) else { break records }
                        target.pointer!.assumingMemoryBound(to: Double.self)[row] = v
                    case .int64:
                        guard let v = NumberParsing.fieldInt(p, length) else { break records }
                        target.pointer!.assumingMemoryBound(to: Int64.self)[row] = v
                    case .float:
                        // The general path's parse (a NaN there is an NA token), so `fieldDouble` is inlined once.
                        guard Columns.anyType, let v = NumberParsing.double(p, length), !v.isNaN else { break records }
                        target.pointer!.assumingMemoryBound(to: Float.self)[row] = Float(v)
                    case .string:
                        // NA tokens (nulls) are left to the general path.
                        guard Columns.anyType, let v = texts[f].string(p, length, isNull: { p, n in n <= na.maxLength && na.contains(p, n) })
                        else { break records }
                        target.pointer!.assumingMemoryBound(to: String.self)[row] = v
                    case .date:
                        guard Columns.anyType, let v = CivilDate.parseDate(UnsafeBufferPointer(start: p, count: length)) else { break records }
                        target.pointer!.assumingMemoryBound(to: Int32.self)[row] = v
                    case .timestamp:
                        guard Columns.anyType else { break records }
                        let buf = UnsafeBufferPointer(start: p, count: length)
                        let v: Int64
                        if let t = CivilDate.parseTimestamp(buf) { v = t }
                        else if let d = CivilDate.parseDate(buf) { v = Int64(d) * 86_400_000_000 }
                        else { break records }
                        target.pointer!.assumingMemoryBound(to: Int64.self)[row] = v
                    case .bool:
                        guard Columns.anyType, let v = NumberParsing.bool(p, length) else { break records }
                        target.pointer!.assumingMemoryBound(to: Bool.self)[row] = v
                    case .skip:
                        break
                    }
                    s = end + 1
                }
                out.rows += 1
                e += fields
                record = s
            }
            position = record
            index.next = e
            index.resume = record
            // Stopped inside the index: that record needs the general path, which records its nulls again. Otherwise
            // the stretch is used up; a stretch that held no whole record is left to the general path too (a record
            // longer than the stretch, or a quote).
            if e + fields <= index.count || out.rows >= maxRows {
                if nulls > 0, out.rows < maxRows {
                    for k in out.nullRows.indices where out.nullRows[k].last == out.rows { out.nullRows[k].removeLast() }
                }
                return
            }
            index.resume = -1
            if out.rows == startRows { return }
        }
    }
}
