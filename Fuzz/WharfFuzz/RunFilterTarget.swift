@testable import WharfPlatform

/// Search filters of the tracking store: run filters and order_by clauses, experiment searches and
/// logged-model searches, then the SQL each becomes on SQLite and PostgreSQL.
/// Input: a flags byte, then the filter up to the first newline, then order_by clauses one a line.
enum RunFilterTarget {
    static let target = FuzzTarget(name: "runfilter", summary: "WharfPlatform RunFilter, RunOrder, ExperimentSearch, LoggedModelSearch") { buffer in
        var input = FuzzInput(buffer)
        let flags = input.byte()
        let filter = input.field().text
        var orderBy: [String] = []
        while !input.bytes.isEmpty, orderBy.count < 8 { orderBy.append(input.field().text) }
        let backend: MetadataStore.Backend = flags & 1 == 0 ? .sqlite : .postgres
        switch flags >> 1 & 3 {
        case 0, 3:
            guard let parsed = try? RunFilter.parse(filter) else { return }
            let orders = orderBy.compactMap { try? RunOrder.parse($0) }
            _ = RunSearchSQL(filter: parsed, orders: orders, backend: backend)
        case 1:
            guard let search = try? ExperimentSearch.parse(filter: filter, orderBy: orderBy) else { return }
            _ = search.conditions(backend: backend)
        default:
            guard let search = try? LoggedModelSearch.parse(filter) else { return }
            _ = search.conditions(backend: backend, datasets: orderBy.prefix(2).map { LoggedModelDataset(name: $0) })
            _ = try? LoggedModelSearch.orderTerms(orderBy.map { LoggedModelOrder(fieldName: $0, ascending: flags & 8 == 0) })
        }
    }
}
