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

    func parse(_ bytes: UnsafeBufferPointer<UInt8>, rowBase: Int, maxRows: Int) -> CSVSegmentOutcome {
        var out = CSVSegmentOutcome(sinks: sinks.count)
        var tok = CSVTokenizer(bytes, delimiter: delimiter, strict: strict)
        while out.rows < maxRows, tok.startRecord() {
            let recordStart = tok.position
            let row = rowBase + out.rows
            var field = 0
            do throws(CSVSyntaxError) {
                while true {
                    let f = try tok.next()
                    if field < fieldCount {
                        let s = fieldToSink[field]
                        if s >= 0 { store(f, sink: s, row: row, local: out.rows, record: recordStart, into: &out) }
                    }
                    field += 1
                    if f.last { break }
                }
            } catch {
                fill(from: field, row: row)
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
                fill(from: field, row: row)
                out.rows += 1
                out.error = (FrameError(.raggedRow, "expected \(fieldCount) fields, found \(field)", field: field < fieldCount ? fieldNames[field] : nil), recordStart)
                return out
            }
            out.rows += 1
        }
        return out
    }

    private func columnLabel(_ field: Int) -> String {
        field < fieldNames.count ? " ('\(fieldNames[field])')" : ""
    }

    /// Gives the remaining sinks of a broken record a value so every processed row is initialized.
    private func fill(from field: Int, row: Int) {
        guard field < fieldCount else { return }
        for j in field..<fieldCount {
            let s = fieldToSink[j]
            if s >= 0, case .string(let p) = sinks[s].buffer { (p + row).initialize(to: "") }
        }
    }

    @inline(__always)
    private func store(_ f: CSVField, sink s: Int, row: Int, local: Int, record: Int, into out: inout CSVSegmentOutcome) {
        let p = f.base, n = f.count
        switch sinks[s].buffer {
        case .double(let b):
            if n > 0, let v = NumberParsing.double(p, n) {
                if v.isNaN { b[row] = 0; out.nullRows[s].append(local) } else { b[row] = v }
                return
            }
            b[row] = 0
        case .int64(let b):
            if n > 0, let v = NumberParsing.int64(p, n) { b[row] = v; return }
            b[row] = 0
        case .float(let b):
            if n > 0, let v = NumberParsing.double(p, n) {
                if v.isNaN { b[row] = 0; out.nullRows[s].append(local) } else { b[row] = Float(v) }
                return
            }
            b[row] = 0
        case .bool(let b):
            if let v = NumberParsing.bool(p, n) { b[row] = v; return }
            b[row] = false
        case .date(let b):
            if let v = CivilDate.parseDate(UnsafeBufferPointer(start: p, count: n)) { b[row] = v; return }
            b[row] = 0
        case .timestamp(let b):
            let buf = UnsafeBufferPointer(start: p, count: n)
            if let v = CivilDate.parseTimestamp(buf) { b[row] = v; return }
            if let d = CivilDate.parseDate(buf) { b[row] = Int64(d) * 86_400_000_000; return }
            b[row] = 0
        case .string(let b):
            // A quoted field is literal text: `""` is an empty string and `"NA"` the letters N and A.
            if !f.quoted && na.contains(p, n) {
                (b + row).initialize(to: "")
                out.nullRows[s].append(local)
            } else {
                (b + row).initialize(to: String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
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
