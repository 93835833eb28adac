/// What one parser thread found in its segment of records.
struct CSVSegmentOutcome: Sendable {
    var rows = 0
    /// Per sink, rows (relative to the segment) that are null.
    var nullRows: [[Int]]
    /// Per sink index, the wider type a value needs.
    var widen: [Int: DataType] = [:]
    /// Per sink index, the first value that did not fit and the offset of its record.
    var misfit: [Int: (text: String, offset: Int)] = [:]
    /// The first problem, with the byte offset (relative to the segment) of the record or field it is in.
    var error: (FrameError, Int)? = nil

    init(sinks: Int) { nullRows = Array(repeating: [], count: sinks) }
}

/// Parses the records of one segment straight into the column sinks at rows `rowBase...`.
struct CSVSegmentParser {
    let fieldCount: Int
    /// For each field position in a record, the sink index, or -1 when the column is not kept.
    let fieldToSink: [Int]
    let fieldNames: [String]
    let sinks: [CSVColumnSink]
    let na: NATokens
    let delimiter: UInt8
    let strict: Bool
    let parseDates: Bool
    let newline: UInt8
    /// The sinks' buffers without the class and enum indirection, for the per-field store.
    let slots: [CSVColumnSink.Slot]

    init(fieldCount: Int, fieldToSink: [Int], fieldNames: [String], sinks: [CSVColumnSink], slots: [CSVColumnSink.Slot],
         na: NATokens, delimiter: UInt8, strict: Bool, parseDates: Bool, newline: UInt8) {
        self.newline = newline
        self.fieldCount = fieldCount
        self.fieldToSink = fieldToSink
        self.fieldNames = fieldNames
        self.sinks = sinks
        self.na = na
        self.delimiter = delimiter
        self.strict = strict
        self.parseDates = parseDates
        self.slots = slots
        fastFields = fieldToSink.map { s in
            guard s >= 0 else { return FastField(kind: .skip, pointer: nil, sink: -1) }
            let kind: FastField.Kind
            switch slots[s].kind {
            case .double: kind = .double
            case .int64: kind = .int64
            case .float: kind = .float
            case .bool: kind = .bool
            case .string: kind = .string
            case .date: kind = .date
            case .timestamp: kind = .timestamp
            }
            return FastField(kind: kind, pointer: slots[s].pointer, sink: s)
        }
    }

    /// How the fast loops store a field: straight into its column array by its type, or `skip` (a column not kept).
    struct FastField: @unchecked Sendable {
        enum Kind: UInt8 { case double, int64, float, bool, string, date, timestamp, skip }
        let kind: Kind
        let pointer: UnsafeMutableRawPointer?
        /// The sink index (-1 for `skip`).
        let sink: Int

        /// Writes the value the general path leaves in a null row.
        @inline(__always) func storeFiller(_ row: Int) {
            switch kind {
            case .double: pointer!.assumingMemoryBound(to: Double.self)[row] = 0
            case .int64, .timestamp: pointer!.assumingMemoryBound(to: Int64.self)[row] = 0
            case .float: pointer!.assumingMemoryBound(to: Float.self)[row] = 0
            case .bool: pointer!.assumingMemoryBound(to: Bool.self)[row] = false
            case .date: pointer!.assumingMemoryBound(to: Int32.self)[row] = 0
            case .string: pointer!.assumingMemoryBound(to: String.self)[row] = ""
            case .skip: break
            }
        }
    }
    /// Per field position of a record.
    let fastFields: [FastField]

    func parse(_ bytes: UnsafeBufferPointer<UInt8>, rowBase: Int, maxRows: Int) -> CSVSegmentOutcome {
        var out = CSVSegmentOutcome(sinks: sinks.count)
        var tok = CSVTokenizer(bytes, delimiter: delimiter, strict: strict, newline: newline)
        let fast = fastFields
        // Records go through the field-end index; a record it cannot take is read below, and the index takes over
        // again after it.
        var index = CSVFieldIndex(bytes: 16 << 10)
        let numbersOnly = fast.allSatisfy { $0.kind == .double || $0.kind == .int64 || $0.kind == .skip }
        let texts = UnsafeMutablePointer<CSVTextReuse>.allocate(capacity: fast.count)
        for f in fast.indices { (texts + f).initialize(to: CSVTextReuse(active: fast[f].kind == .string)) }
        defer {
            index.deallocate()
            for f in fast.indices { texts[f].deallocate() }
            texts.deinitialize(count: fast.count)
            texts.deallocate()
        }
        while out.rows < maxRows {
            fast.withUnsafeBufferPointer { plan in
                if numbersOnly {
                    indexedRecords(CSVNumberColumns.self, plan, texts, bytes, &index, position: &tok.position, out: &out, rowBase: rowBase, maxRows: maxRows)
                } else {
                    indexedRecords(CSVAnyColumns.self, plan, texts, bytes, &index, position: &tok.position, out: &out, rowBase: rowBase, maxRows: maxRows)
                }
            }
            if out.rows >= maxRows { break }
            guard tok.startRecord() else { break }
            let recordStart = tok.position
            let row = rowBase + out.rows
            var field = 0
            do throws(CSVSyntaxError) {
                while true {
                    // Plain numbers in a row go through the fast loop; it stops at any other field, which is read
                    // here, and takes over again after it.
                    let ended = field < fieldCount && fast.withUnsafeBufferPointer { plan in
                        fastRun(plan, bytes, &tok.position, field: &field, row: row)
                    }
                    if ended { break }
                    if field < fieldCount, let last = fastNumber(&tok, sink: fieldToSink[field], row: row) {
                        field += 1
                        if last { break }
                        continue
                    }
                    let f = try tok.next()
                    if field < fieldCount {
                        let s = fieldToSink[field]
                        if s >= 0 { store(f, sink: s, row: row, local: out.rows, record: recordStart, into: &out) }
                    }
                    field += 1
                    if f.last { break }
                }
            } catch {
                out.rows += 1
                let what: String
                switch error.kind {
                case .unterminatedQuote: what = "a quoted field is never closed (opening quote in field \(field + 1))"
                case .quoteInUnquotedField: what = "a quote appears inside unquoted field \(field + 1)\(columnLabel(field)); quote the whole field and double the quote"
                case .textAfterClosingQuote: what = "text follows the closing quote of field \(field + 1)\(columnLabel(field))"
                }
                out.error = (FrameError(.badQuote, what, field: field < fieldNames.count ? fieldNames[field] : nil), error.kind == .unterminatedQuote ? error.offset : recordStart)
                return out
            }
            if field != fieldCount {
                out.rows += 1
                out.error = (FrameError(.raggedRow, "expected \(fieldCount) fields, found \(field)", field: field < fieldCount ? fieldNames[field] : nil), recordStart)
                return out
            }
            out.rows += 1
        }
        return out
    }

    /// Reads the record's fields from `field` on while each is a plain number of a numeric column, `fastReadAhead`
    /// bytes from the segment end at most, eight bytes at a time. Returns whether the record ended; otherwise `field`
    /// and `position` point at the first field the general path must read.
    @inline(__always)
    private func fastRun(_ plan: UnsafeBufferPointer<FastField>, _ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int,
                         field: inout Int, row: Int) -> Bool {
        let base = bytes.baseAddress!
        let limit = bytes.count - NumberParsing.fastReadAhead
        var pos = position
        var f = field
        defer { position = pos; field = f }
        while f < plan.count, pos <= limit {
            let target = plan[f]
            let p = base + pos
            let used: Int
            switch target.kind {
            case .double:
                guard let (v, n) = NumberParsing.fastDouble(p) else { return false }
                target.pointer!.assumingMemoryBound(to: Double.self)[row] = v
                used = n
            case .int64:
                guard let (v, n) = NumberParsing.fastInt(p) else { return false }
                target.pointer!.assumingMemoryBound(to: Int64.self)[row] = v
                used = n
            default:
                return false
            }
            // The value stored above is rewritten by the general path when the field turns out not to end here.
            let c = p[used]
            if c == delimiter { pos += used + 1; f += 1; continue }
            if c == newline { pos += used + 1; f += 1; return true }
            if c == 13, p[used + 1] == 10 { pos += used + 2; f += 1; return true }
            return false
        }
        return false
    }

    /// Reads an unquoted numeric field in one pass (number and field end together), storing it; nil when the field
    /// is anything else (quoted, empty, not a plain number), which the general tokenizer then handles.
    @inline(__always)
    private func fastNumber(_ tok: inout CSVTokenizer, sink s: Int, row: Int) -> Bool? {
        guard s >= 0 else { return nil }
        let slot = slots[s]
        guard slot.kind == .double || slot.kind == .int64 else { return nil }
        let base = tok.buffer.baseAddress!
        let start = tok.position
        let remaining = tok.buffer.count - start
        guard remaining > 0 else { return nil }
        let p = base + start
        var used = 0
        if slot.kind == .double {
            // The fast path never yields NaN (a finite mantissa times an exact power of ten).
            let (v, n) = NumberParsing.scanDouble(p, remaining)
            guard let v else { return nil }
            used = n
            guard let last = fieldEnd(p, used, remaining) else { return nil }
            slot.pointer.assumingMemoryBound(to: Double.self)[row] = v
            tok.position = start + used + last.consumed
            return last.isLast
        }
        var i = 0
        let negative = p[0] == 45
        if negative { i = 1 }
        var v: Int64 = 0
        let digitsStart = i
        while i < remaining, i - digitsStart < 18 {
            let d = p[i] &- 48
            if d >= 10 { break }
            v = v &* 10 &+ Int64(d)
            i += 1
        }
        guard i > digitsStart, let last = fieldEnd(p, i, remaining) else { return nil }
        slot.pointer.assumingMemoryBound(to: Int64.self)[row] = negative ? -v : v
        tok.position = start + i + last.consumed
        return last.isLast
    }

    /// Whether `p[used]` ends a field: a delimiter (not last), the record end (`\n`, `\r\n`, or `\r` in old Mac
    /// files) or the end of the buffer (last).
    @inline(__always)
    private func fieldEnd(_ p: UnsafePointer<UInt8>, _ used: Int, _ remaining: Int) -> (isLast: Bool, consumed: Int)? {
        if used == remaining { return (true, 0) }
        let c = p[used]
        if c == delimiter { return (false, 1) }
        if c == newline { return (true, 1) }
        if c == 13, used + 1 < remaining, p[used + 1] == 10 { return (true, 2) }
        if c == 13, used + 1 == remaining { return (true, 1) }
        return nil
    }

    private func columnLabel(_ field: Int) -> String {
        field < fieldNames.count ? " ('\(fieldNames[field])')" : ""
    }

    @inline(__always)
    private func store(_ f: CSVField, sink s: Int, row: Int, local: Int, record: Int, into out: inout CSVSegmentOutcome) {
        let p = f.base, n = f.count
        let slot = slots[s]
        switch slot.kind {
        case .double:
            let b = slot.pointer.assumingMemoryBound(to: Double.self)
            if n > 0, let v = NumberParsing.double(p, n) {
                if v.isNaN { b[row] = 0; out.nullRows[s].append(local) } else { b[row] = v }
                return
            }
            b[row] = 0
        case .int64:
            let b = slot.pointer.assumingMemoryBound(to: Int64.self)
            if n > 0, let v = NumberParsing.int64(p, n) { b[row] = v; return }
            b[row] = 0
        case .float:
            let b = slot.pointer.assumingMemoryBound(to: Float.self)
            if n > 0, let v = NumberParsing.double(p, n) {
                if v.isNaN { b[row] = 0; out.nullRows[s].append(local) } else { b[row] = Float(v) }
                return
            }
            b[row] = 0
        case .bool:
            let b = slot.pointer.assumingMemoryBound(to: Bool.self)
            if let v = NumberParsing.bool(p, n) { b[row] = v; return }
            b[row] = false
        case .date:
            let b = slot.pointer.assumingMemoryBound(to: Int32.self)
            if let v = CivilDate.parseDate(UnsafeBufferPointer(start: p, count: n)) { b[row] = v; return }
            b[row] = 0
        case .timestamp:
            let b = slot.pointer.assumingMemoryBound(to: Int64.self)
            let buf = UnsafeBufferPointer(start: p, count: n)
            if let v = CivilDate.parseTimestamp(buf) { b[row] = v; return }
            if let d = CivilDate.parseDate(buf) { b[row] = Int64(d) * 86_400_000_000; return }
            b[row] = 0
        case .string:
            let b = slot.pointer.assumingMemoryBound(to: String.self)
            // A quoted field is literal text: `""` is an empty string and `"NA"` the letters N and A.
            if !f.quoted && na.contains(p, n) {
                b[row] = ""
                out.nullRows[s].append(local)
            } else {
                b[row] = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
            }
            return
        }
        // The typed parse failed: null when it is an NA token, else the column must widen.
        if na.contains(p, n) {
            out.nullRows[s].append(local)
            return
        }
        let kind = na.classify(f, parseDates: parseDates)
        let current = out.widen[s] ?? sinks[s].type
        if let wider = CSVFieldKind.join(current, kind), wider != current { out.widen[s] = wider }
        if out.misfit[s] == nil { out.misfit[s] = (f.string, record) }
    }
}
