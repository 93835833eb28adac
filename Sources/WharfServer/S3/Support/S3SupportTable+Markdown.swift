extension S3SupportTable {
    static let markdownBegin = "<!-- generated from S3SupportTable: begin -->"
    static let markdownEnd = "<!-- generated from S3SupportTable: end -->"

    /// The section of docs/s3.md that lists what the S3 face serves (S3SupportTableTests keeps them equal).
    static func markdown() -> String {
        var lines = [
            markdownBegin,
            "| request | operation | query parameters | headers honoured | writes |",
            "|---|---|---|---|---|",
        ]
        for spec in operations {
            let request = describe(method: spec.method, kind: spec.kind, subresource: spec.subresource.map { $0 == "list-type" ? "list-type=2" : $0 }, copies: spec.copies)
            let parameters = spec.parameters.isEmpty ? "" : spec.parameters.map { "`\($0)`" }.joined(separator: ", ")
            let headers = spec.headers.map { rule in
                rule.values.map { "`\(rule.name)`: \($0.joined(separator: " / "))" } ?? "`\(rule.name)`"
            }.joined(separator: ", ")
            lines.append("| \(request) | \(spec.name) | \(parameters) | \(headers) | \(spec.writes ? "yes" : "no") |")
        }
        let served = Set(operations.compactMap(\.subresource))
        let refused = subresources.subtracting(served).sorted()
        lines.append("")
        lines.append("Every request is matched against this table before anything is read or written. A request whose method,")
        lines.append("resource and subresource match no row, a query parameter a row does not list (besides the signature's own:")
        lines.append(signatureParameters.sorted().map { "`\($0)`" }.joined(separator: ", ") + "),")
        lines.append("or a header a row does not list is answered with S3's `NotImplemented` (501) naming what was refused.")
        lines.append("Headers the table governs: every `x-amz-*` header except `x-amz-meta-*` and the transport headers")
        lines.append(transportHeaders.sorted().map { "`\($0)`" }.joined(separator: ", ") + ", and "
            + governedStandardHeaders.sorted().map { "`\($0)`" }.joined(separator: ", ") + ".")
        lines.append("Subresources refused on every resource: " + refused.map { "`?\($0)`" }.joined(separator: ", ") + ".")
        lines.append(markdownEnd)
        return lines.joined(separator: "\n")
    }
}
