import Testing
@testable import WharfPlatform

/// Inputs the `runfilter` fuzz target (Fuzz/corpus/runfilter) found crashing the search filters: a time
/// compared with a number beyond 64 bits trapped while the SQL was built, so one search call with
/// `attributes.start_time >= 3.4e109` brought the server down.
@Suite struct FilterFuzzRegressionTests {
    static let outOfRange = ["3400000000e0100", "1e19", "-9.3e18", "inf", "-infinity", "nan"]

    @Test(arguments: outOfRange)
    func runFilterRefusesTimesBeyond64Bits(number: String) throws {
        for key in ["attributes.start_time", "end_time", "attributes.created", "creation_time"] {
            let error = #expect(throws: WharfError.self) { try RunFilter.parse("run_name ILIKE 'A_%' and \(key) >= \(number)") }
            #expect(error?.kind == .invalidArgument)
            #expect(error?.field == "filter")
            #expect(error?.message.contains("out of range") == true)
        }
    }

    @Test(arguments: outOfRange)
    func loggedModelSearchRefusesTimesBeyond64Bits(number: String) throws {
        for key in ["creation_time", "last_updated_timestamp"] {
            let error = #expect(throws: WharfError.self) { try LoggedModelSearch.parse("\(key) > \(number)") }
            #expect(error?.kind == .invalidArgument)
            #expect(error?.message.contains("out of range") == true)
        }
    }

    @Test func experimentSearchRefusesTimesBeyond64Bits() throws {
        for number in Self.outOfRange {
            #expect(throws: WharfError.self) { try ExperimentSearch.parse(filter: "creation_time > \(number)", orderBy: []) }
        }
    }

    /// Times within range still become SQL on both backends, and metrics keep any double.
    @Test func timesWithinRangeStillBuildSQL() throws {
        let filter = try RunFilter.parse("attributes.start_time >= 9.1e18 and end_time < -9.1e18 and metrics.m > 1e300")
        #expect(filter.comparisons.count == 3)
        for backend in [MetadataStore.Backend.sqlite, .postgres] {
            #expect(RunSearchSQL(filter: filter, orders: [], backend: backend).conditions.count == 3)
            let models = try LoggedModelSearch.parse("creation_time > 1700000000000 and metrics.m < 1e300")
            #expect(models.conditions(backend: backend).count >= 2)
        }
    }
}
