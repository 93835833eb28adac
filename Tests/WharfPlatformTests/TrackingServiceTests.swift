import Foundation
import Testing
@testable import WharfPlatform

/// The tracking store suite, run against every enabled metadata backend.
@Suite struct TrackingServiceTests {
    func withService(_ backend: TestBackend, _ body: (TrackingService) async throws -> Void) async throws {
        let store = try await backend.open()
        do {
            try await body(TrackingService(store: store))
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    @Test(arguments: TestBackend.enabled)
    func experimentsCreateGetRenameDeleteRestore(_ backend: TestBackend) async throws {
        try await withService(backend) { tracking in
            let id = try await tracking.createExperiment(name: "lead-scoring", tags: [Tag(key: "team", value: "growth")])
            var experiment = try await tracking.getExperiment(id)
            #expect(experiment.name == "lead-scoring")
            #expect(experiment.artifactLocation == "mlflow-artifacts:/\(id)")
            #expect(experiment.tags == [Tag(key: "team", value: "growth")])
            #expect(try await tracking.getExperiment(named: "lead-scoring").experimentId == id)
            #expect(try await tracking.getExperiment("0").name == "Default")

            await #expect(throws: WharfError.self) { _ = try await tracking.createExperiment(name: "lead-scoring") }
            await #expect(throws: WharfError.self) { _ = try await tracking.getExperiment("999") }

            try await tracking.renameExperiment(id, to: "leads")
            try await tracking.setExperimentTag(id, tag: Tag(key: "team", value: "sales"))
            experiment = try await tracking.getExperiment(id)
            #expect(experiment.name == "leads")
            #expect(experiment.tags == [Tag(key: "team", value: "sales")])

            try await tracking.deleteExperiment(id)
            #expect(try await tracking.searchExperiments().items.map(\.experimentId) == ["0"])
            #expect(try await tracking.searchExperiments(view: .deletedOnly).items.map(\.experimentId) == [id])
            try await tracking.restoreExperiment(id)
            #expect(try await tracking.searchExperiments(filter: "name LIKE 'lea%'").items.map(\.name) == ["leads"])
        }
    }

    @Test(arguments: TestBackend.enabled)
    func experimentSearchFiltersOrdersAndPages(_ backend: TestBackend) async throws {
        try await withService(backend) { tracking in
            let specs: [(String, [WharfPlatform.Tag], Int64, Int64)] = [
                ("lead-scoring", [Tag(key: "team", value: "growth"), Tag(key: "tier", value: "gold")], 1000, 4000),
                ("Lead-churn", [Tag(key: "team", value: "Growth")], 2000, 3000),
                ("fraud", [Tag(key: "team", value: "risk")], 3000, 2000),
                ("fraud-v2", [], 4000, 1000),
            ]
            var ids: [String: String] = [:]
            for (name, tags, created, updated) in specs {
                let id = try await tracking.createExperiment(name: name, tags: tags)
                ids[name] = id
                try await tracking.store.transaction { db in
                    try await db.raw("UPDATE experiments SET creation_time = \(bind: created), last_update_time = \(bind: updated) WHERE experiment_id = \(bind: id)").run()
                }
            }
            func names(_ filter: String?, _ order: [String] = [], max: Int = 1000) async throws -> [String] {
                try await tracking.searchExperiments(filter: filter, orderBy: order, maxResults: max).items.map(\.name)
            }
            #expect(try await names("name LIKE 'lead%'") == ["lead-scoring"])
            #expect(try await names("attributes.name ILIKE 'LEAD%'") == ["Lead-churn", "lead-scoring"])
            #expect(try await names("name = 'fraud'") == ["fraud"])
            #expect(try await names("name != 'fraud' AND creation_time > 0") == ["fraud-v2", "Lead-churn", "lead-scoring"])
            #expect(try await names("tags.team = 'growth'") == ["lead-scoring"])
            #expect(try await names("tags.team ILIKE 'GROWTH'") == ["Lead-churn", "lead-scoring"])
            #expect(try await names("tags.team != 'risk'") == ["Lead-churn", "lead-scoring"])
            #expect(try await names("tags.`tier` LIKE 'g%' AND tags.team = 'growth'") == ["lead-scoring"])
            #expect(try await names("attributes.creation_time >= 2000 AND attributes.creation_time < 4000") == ["fraud", "Lead-churn"])
            #expect(try await names("last_update_time > 2500") == ["Lead-churn", "lead-scoring"])
            #expect(try await names("creation_time = 4000") == ["fraud-v2"])
            #expect(try await names("name != 'Lead-churn' AND creation_time > 0", ["name ASC"]) == ["fraud", "fraud-v2", "lead-scoring"])
            #expect(try await names("creation_time > 0", ["attributes.last_update_time ASC"]) == ["fraud-v2", "fraud", "Lead-churn", "lead-scoring"])
            #expect(try await names(nil, ["experiment_id DESC"]) == ["fraud-v2", "fraud", "Lead-churn", "lead-scoring", "Default"])
            #expect(try await names(nil, ["experiment_id"]) == ["Default", "lead-scoring", "Lead-churn", "fraud", "fraud-v2"])

            // Default order is newest first; the page token continues where the last page stopped.
            var pages: [[String]] = []
            var token: String?
            repeat {
                let page = try await tracking.searchExperiments(maxResults: 2, pageToken: token)
                pages.append(page.items.map(\.name))
                token = page.nextPageToken
            } while token != nil
            #expect(pages == [["fraud-v2", "fraud"], ["Lead-churn", "lead-scoring"], ["Default"]])

            try await tracking.deleteExperiment(try #require(ids["fraud"]))
            #expect(try await tracking.searchExperiments(view: .all, filter: "name LIKE 'fraud%'").items.map(\.name) == ["fraud-v2", "fraud"])
            #expect(try await tracking.searchExperiments(view: .deletedOnly, filter: "tags.team = 'risk'").items.map(\.name) == ["fraud"])

            let bad: [(String?, [String], String, String)] = [
                ("name > 'x'", [], "filter", "position 5"),
                ("colour = 'red'", [], "filter", "position 0"),
                ("creation_time = 'x'", [], "filter", "position 16"),
                ("creation_time LIKE '1%'", [], "filter", "position 14"),
                ("name = 'x' OR name = 'y'", [], "filter", "position 11"),
                ("params.x = '1'", [], "filter", "position 0"),
                (nil, ["tags.team"], "order_by[0]", "position 0"),
                (nil, ["name", "creation_time SIDEWAYS"], "order_by[1]", "position 14"),
            ]
            for (filter, order, field, position) in bad {
                await #expect {
                    _ = try await tracking.searchExperiments(filter: filter, orderBy: order)
                } throws: { error in
                    guard let error = error as? WharfError else { return false }
                    return error.field == field && error.message.contains(position)
                }
            }
        }
    }

    @Test(arguments: TestBackend.enabled)
    func runsParamsMetricsTagsAndHistory(_ backend: TestBackend) async throws {
        try await withService(backend) { tracking in
            let exp = try await tracking.createExperiment(name: "e")
            let run = try await tracking.createRun(experimentId: exp, userId: "ana", startTime: 1000, runName: "first", tags: [Tag(key: "stage", value: "dev")])
            #expect(run.info.status == "RUNNING")
            #expect(run.info.runName == "first")
            #expect(run.info.artifactUri == "mlflow-artifacts:/\(exp)/\(run.info.runId)/artifacts")
            #expect(run.data.tags.contains(Tag(key: "mlflow.runName", value: "first")))

            try await tracking.logBatch(
                runId: run.info.runId,
                metrics: [Metric(key: "auc", value: 0.7, timestamp: 10, step: 0), Metric(key: "auc", value: 0.9, timestamp: 11, step: 2),
                          Metric(key: "auc", value: 0.8, timestamp: 12, step: 1), Metric(key: "loss", value: .nan, timestamp: 10, step: 0)],
                params: [Param(key: "max_depth", value: "6")],
                tags: [Tag(key: "stage", value: "prod")]
            )
            try await tracking.logParam(runId: run.info.runId, Param(key: "max_depth", value: "6"))
            await #expect {
                try await tracking.logParam(runId: run.info.runId, Param(key: "max_depth", value: "7"))
            } throws: { error in
                (error as? WharfError)?.kind == .conflict && (error as? WharfError)?.field == "params.max_depth"
            }

            let loaded = try await tracking.getRun(run.info.runId)
            #expect(loaded.data.params == [Param(key: "max_depth", value: "6")])
            // Latest is the highest step, not the last logged.
            #expect(loaded.data.metrics.first(where: { $0.key == "auc" })?.value == 0.9)
            #expect(loaded.data.metrics.first(where: { $0.key == "loss" })?.value.isNaN == true)
            #expect(loaded.data.tags.contains(Tag(key: "stage", value: "prod")))

            let extremes: [Double] = [.infinity, -.infinity, 1e-300, -1.7976931348623157e308, 0.1 + 0.2, 5e-324]
            try await tracking.logBatch(runId: run.info.runId, metrics: extremes.enumerated().map { Metric(key: "edge", value: $0.element, timestamp: 1, step: Int64($0.offset)) })
            #expect(try await tracking.metricHistory(runId: run.info.runId, key: "edge").items.map(\.value) == extremes)
            let steps: [Int64] = [.min, -5, 0, 7, .max]
            try await tracking.logBatch(runId: run.info.runId, metrics: steps.map { Metric(key: "steps", value: 1, timestamp: -($0 / 2), step: $0) })
            let stepHistory = try await tracking.metricHistory(runId: run.info.runId, key: "steps").items
            #expect(stepHistory.map(\.step) == steps)
            #expect(stepHistory.map(\.timestamp) == steps.map { -($0 / 2) })

            let history = try await tracking.metricHistory(runId: run.info.runId, key: "auc")
            #expect(history.items.map(\.value) == [0.7, 0.8, 0.9])
            #expect(history.items.map(\.step) == [0, 1, 2])
            let page1 = try await tracking.metricHistory(runId: run.info.runId, key: "auc", maxResults: 2)
            #expect(page1.items.count == 2)
            let page2 = try await tracking.metricHistory(runId: run.info.runId, key: "auc", maxResults: 2, pageToken: page1.nextPageToken)
            #expect(page2.items.map(\.value) == [0.9])
            #expect(page2.nextPageToken == nil)

            let info = try await tracking.updateRun(run.info.runId, status: .finished, endTime: 2000, runName: "renamed")
            #expect(info.status == "FINISHED")
            #expect(info.endTime == 2000)
            #expect(try await tracking.getRun(run.info.runId).info.runName == "renamed")

            try await tracking.logInputs(runId: run.info.runId, datasets: [
                DatasetInput(tags: [Tag(key: "mlflow.data.context", value: "training")],
                             dataset: Dataset(name: "leads", digest: "abc123", sourceType: "local", source: "{}", schema: "{\"a\":1}")),
            ])
            #expect(try await tracking.getRun(run.info.runId).inputs.datasetInputs.map(\.dataset.digest) == ["abc123"])

            try await tracking.deleteRun(run.info.runId)
            await #expect(throws: WharfError.self) { try await tracking.logMetric(runId: run.info.runId, Metric(key: "x", value: 1, timestamp: 1)) }
            try await tracking.restoreRun(run.info.runId)
            await #expect(throws: WharfError.self) { _ = try await tracking.getRun("nope") }
        }
    }

    @Test(arguments: TestBackend.enabled)
    func logBatchIsAtomicAndBounded(_ backend: TestBackend) async throws {
        try await withService(backend) { tracking in
            let exp = try await tracking.createExperiment(name: "e")
            let run = try await tracking.createRun(experimentId: exp).info.runId
            try await tracking.logParam(runId: run, Param(key: "lr", value: "0.1"))
            // A changed param fails the whole batch: the metrics in it are not stored.
            await #expect(throws: WharfError.self) {
                try await tracking.logBatch(runId: run, metrics: [Metric(key: "m", value: 1, timestamp: 1)], params: [Param(key: "lr", value: "0.2")])
            }
            #expect(try await tracking.metricHistory(runId: run, key: "m").items.isEmpty)
            let tooMany = (0..<1001).map { Metric(key: "m", value: Double($0), timestamp: 1, step: Int64($0)) }
            await #expect {
                try await tracking.logBatch(runId: run, metrics: tooMany)
            } throws: { ($0 as? WharfError)?.field == "metrics" }
            try await tracking.logBatch(runId: run, metrics: Array(tooMany.prefix(1000)))
            #expect(try await tracking.metricHistory(runId: run, key: "m").items.count == 1000)
            // An identical value logged again (as clients do when linking metrics to a model) is kept once, as in MLflow.
            try await tracking.logBatch(runId: run, metrics: Array(tooMany.prefix(10)) + Array(tooMany.prefix(10)))
            #expect(try await tracking.metricHistory(runId: run, key: "m").items.count == 1000)
        }
    }

    @Test(arguments: TestBackend.enabled)
    func searchTranslatesTheFilterGrammar(_ backend: TestBackend) async throws {
        try await withService(backend) { tracking in
            let a = try await tracking.createExperiment(name: "a")
            let b = try await tracking.createExperiment(name: "b")
            var ids: [String] = []
            for i in 0..<6 {
                let run = try await tracking.createRun(experimentId: i < 4 ? a : b, startTime: Int64(1000 + i), runName: "run-\(i)").info.runId
                ids.append(run)
                try await tracking.logBatch(
                    runId: run,
                    metrics: [Metric(key: "auc", value: Double(5 + i) / 10, timestamp: 1)],
                    params: [Param(key: "max_depth", value: i % 2 == 0 ? "6" : "8")],
                    tags: [Tag(key: "stage", value: i < 3 ? "dev" : "prod"), Tag(key: "mlflow.source.type", value: "LOCAL")]
                )
                if i == 5 { _ = try await tracking.updateRun(run, status: .finished, endTime: 5000, runName: nil) }
            }
            func search(_ filter: String, order: [String] = [], max: Int = 1000) async throws -> [String] {
                try await tracking.searchRuns(experimentIds: [a, b], filter: filter, maxResults: max, orderBy: order).items.map(\.info.runId)
            }
            #expect(try await search("metrics.auc > 0.8 and params.max_depth = '6'") == [ids[4]])
            #expect(Set(try await search("metrics.auc > 0.8")) == Set([ids[4], ids[5]]))
            #expect(try await search("tags.stage != 'dev' and attributes.status = 'FINISHED'") == [ids[5]])
            #expect(try await search("attributes.run_name LIKE 'run-%'").count == 6)
            #expect(try await search("attributes.run_name LIKE 'RUN-%'").isEmpty)
            #expect(try await search("attributes.run_name ILIKE 'RUN-1'") == [ids[1]])
            #expect(Set(try await search("params.max_depth IN ('8')")) == Set([ids[1], ids[3], ids[5]]))
            #expect(try await search("tags.`mlflow.source.type` = 'LOCAL'").count == 6)
            #expect(try await search("tags.\"mlflow.source.type\" = 'LOCAL'").count == 6)
            #expect(try await search("tags.mlflow.source.type = 'LOCAL'").count == 6)
            #expect(try await search("", order: ["metrics.auc DESC"], max: 2) == [ids[5], ids[4]])
            // Ordering by a key the filter compares walks that key's rows in order (an inner join).
            #expect(try await search("metrics.auc > 0.6 and tags.stage = 'prod'", order: ["metrics.auc DESC"], max: 2) == [ids[5], ids[4]])
            #expect(try await search("params.max_depth = '8'", order: ["params.max_depth DESC", "metrics.auc DESC"]) == [ids[5], ids[3], ids[1]])
            #expect(try await search("metrics.auc >= 0.9", order: ["metrics.auc ASC", "metrics.auc DESC"]) == [ids[4], ids[5]])
            #expect(try await search("", order: ["metrics.auc ASC"]) == ids)
            #expect(try await search("", order: ["params.max_depth DESC", "attributes.start_time ASC"]) == [ids[1], ids[3], ids[5], ids[0], ids[2], ids[4]])
            #expect(try await tracking.searchRuns(experimentIds: [b]).items.count == 2)

            let first = try await tracking.searchRuns(experimentIds: [a, b], maxResults: 4, orderBy: ["metrics.auc DESC"])
            let second = try await tracking.searchRuns(experimentIds: [a, b], maxResults: 4, orderBy: ["metrics.auc DESC"], pageToken: first.nextPageToken)
            #expect(first.items.count == 4)
            #expect(second.items.map(\.info.runId) == [ids[1], ids[0]])
            #expect(second.nextPageToken == nil)
        }
    }

    @Test func keyValidationRefusesPathLikeKeysOnly() {
        func reference(_ key: String) -> Bool {
            key.hasPrefix("/") || key.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == "." || $0 == ".." }
        }
        let keys = ["loss", "train/loss", "/loss", ".", "..", "...", "a/.", "a/..", "a/./b", "a/../b", "./a", "../a", "a//b", "a/", ".a",
                    "a.", "a/.b/c", "a/b..", "a/.../b", "é/ü", "", "//", "/", "a/.hidden/.."]
        for key in keys {
            #expect(TrackingService.hasDotSegmentOrLeadingSlash(key) == reference(key), "\(key)")
        }
        #expect(throws: WharfError.self) { try TrackingService.validate(key: String(repeating: "é", count: 251), field: "key") }
        #expect(throws: Never.self) { try TrackingService.validate(key: String(repeating: "é", count: 250), field: "key") }
    }

    @Test func malformedFiltersNameThePosition() throws {
        let cases: [(String, String)] = [
            ("metrics.auc >", "position 13"),
            ("metrics.auc > 'high'", "position 14"),
            ("foo.bar = 1", "position 0"),
            ("params.a = 'x' or params.b = 'y'", "position 15"),
            ("params.a = 'x", "position 11"),
            ("params.a > 'x'", "position 9"),
            ("attributes.colour = 'red'", "position 0"),
        ]
        for (filter, position) in cases {
            #expect {
                _ = try RunFilter.parse(filter)
            } throws: { error in
                guard let error = error as? WharfError else { return false }
                return error.field == "filter" && error.message.contains(position)
            }
        }
        let parsed = try RunFilter.parse("metrics.`f1 score` >= 0.5 AND tags.x NOT IN ('a', 'b')")
        #expect(parsed.comparisons.count == 2)
        #expect(parsed.comparisons[0].key == "f1 score")
        #expect(parsed.comparisons[1].op == .notIn)
        #expect(parsed.comparisons[1].value == .list(["a", "b"]))
    }

    /// The statements that take back what `statements` add (tables, columns, indexes), in reverse order.
    static func undoing(_ statements: [String]) -> [String] {
        statements.reversed().compactMap { statement in
            let words = statement.split(whereSeparator: { $0.isWhitespace || $0 == "(" }).map(String.init)
            guard words.count >= 3, words[0].uppercased() == "CREATE" || words[0].uppercased() == "ALTER" else { return nil }
            if words[0].uppercased() == "CREATE", words[1].uppercased() == "TABLE" { return "DROP TABLE \(words[2])" }
            if words[0].uppercased() == "CREATE", let at = words.firstIndex(where: { $0.uppercased() == "INDEX" }), at + 1 < words.count {
                return "DROP INDEX \(words[at + 1])"
            }
            if words[0].uppercased() == "ALTER", words.count >= 6, words[3].uppercased() == "ADD", words[4].uppercased() == "COLUMN" {
                return "ALTER TABLE \(words[2]) DROP COLUMN \(words[5])"
            }
            return nil
        }
    }

    @Test(arguments: TestBackend.enabled)
    func upgradingKeepsMetricHistory(_ backend: TestBackend) async throws {
        let location = try await backend.location()
        let store = try await MetadataStore.open(url: location)
        let run: String
        do {
            let tracking = TrackingService(store: store)
            run = try await tracking.createRun(experimentId: try await tracking.createExperiment(name: "e")).info.runId
            // Put the history back as schema version 3 had it (a rowid table with a foreign key to runs), with rows.
            try await store.transaction { db in
                switch backend {
                case .sqlite:
                    try await db.raw("DROP TABLE run_metrics").run()
                    let version3 = TrackingSchema.statements.filter { $0.contains("CREATE TABLE run_metrics (") } + [TrackingSchema.identicalMetricsOnce[1]]
                    #expect(version3.count == 2)
                    for statement in version3 { try await db.raw("\(unsafeRaw: statement)").run() }
                case .postgres:
                    try await db.raw("ALTER TABLE run_metrics ADD CONSTRAINT run_metrics_run_id_fkey FOREIGN KEY (run_id) REFERENCES runs (run_id)").run()
                }
                try await db.raw("""
                    INSERT INTO run_metrics (run_id, key, value, is_nan, timestamp, step) VALUES (\(bind: run), 'loss', 0.5, 0, 10, 1), (\(bind: run), 'loss', 0, 1, 11, 2)
                    """).run()
                // Undo the later steps too, so the database is exactly at version 3: every table, column and
                // index they add goes again, newest first (whatever steps exist when this runs).
                for migration in Migrations.all.reversed() where migration.version > 4 {
                    for statement in Self.undoing(migration.statements(backend == .sqlite ? .sqlite : .postgres)) {
                        try await db.raw("\(unsafeRaw: statement)").run()
                    }
                }
                try await db.raw("DELETE FROM wharf_schema WHERE version >= 4").run()
            }
            try await store.close()
        } catch {
            try? await store.close()
            throw error
        }

        let upgraded = try await MetadataStore.open(url: location)
        do {
            let tracking = TrackingService(store: upgraded)
            #expect(try await upgraded.schemaVersion() == Migrations.latestVersion)
            var history = try await tracking.metricHistory(runId: run, key: "loss").items
            #expect(history.map(\.step) == [1, 2])
            #expect(history.first?.value == 0.5)
            #expect(history.last?.value.isNaN == true)
            try await tracking.logBatch(runId: run, metrics: [Metric(key: "loss", value: 0.5, timestamp: 10, step: 1), Metric(key: "loss", value: 0.25, timestamp: 12, step: 3)])
            history = try await tracking.metricHistory(runId: run, key: "loss").items
            #expect(history.map(\.value.description) == ["0.5", "nan", "0.25"])
            let shape = try await upgraded.withDatabase { db -> Bool in
                switch backend {
                case .sqlite:
                    let sql = try await db.raw("SELECT sql FROM sqlite_master WHERE name = 'run_metrics'").first()?.decode(column: "sql", as: String.self)
                    return sql?.contains("WITHOUT ROWID") == true
                case .postgres:
                    return try await db.raw("SELECT conname FROM pg_constraint WHERE conname = 'run_metrics_run_id_fkey'").all().isEmpty
                }
            }
            #expect(shape)
        } catch {
            try? await upgraded.close()
            throw error
        }
        try await upgraded.close()
    }

    @Test(arguments: TestBackend.enabled)
    func historyBulkIntervalSamplesEachRunKeepingItsEnds(_ backend: TestBackend) async throws {
        try await withService(backend) { tracking in
            let exp = try await tracking.createExperiment(name: "e")
            let a = try await tracking.createRun(experimentId: exp).info.runId
            let b = try await tracking.createRun(experimentId: exp).info.runId
            try await tracking.logBatch(runId: a, metrics: (0..<10).map { Metric(key: "train/loss", value: Double(10 - $0), timestamp: 100 + Int64($0), step: Int64($0)) })
            try await tracking.logBatch(runId: b, metrics: [Metric(key: "train/loss", value: 1, timestamp: 5, step: 0), Metric(key: "train/loss", value: .nan, timestamp: 6, step: 7)])
            func steps(_ runs: [String], max: Int, start: Int64? = nil, end: Int64? = nil) async throws -> [String] {
                try await tracking.metricHistoryBulkInterval(runIds: runs, key: "train/loss", maxResults: max, startStep: start, endStep: end)
                    .map { "\($0.runId == a ? "a" : "b")\($0.step)" }
            }
            // Ten values in three buckets (steps 0-3, 4-6, 7-9): the first of each, the last replacing the third.
            #expect(try await steps([a], max: 3) == ["a0", "a4", "a9"])
            #expect(try await steps([a], max: 20) == (0..<10).map { "a\($0)" })
            #expect(try await steps([a], max: 1) == ["a9"])
            #expect(try await steps([a], max: 10, start: 2, end: 5) == ["a2", "a3", "a4", "a5"])
            #expect(try await steps([b, a], max: 2) == ["b0", "b7", "a0", "a9"])
            let sample = try await tracking.metricHistoryBulkInterval(runIds: [b], key: "train/loss", maxResults: 5)
            #expect(sample.last?.value.isNaN == true)
            #expect(sample.map(\.key) == ["train/loss", "train/loss"])
            #expect(try await tracking.metricHistoryBulkInterval(runIds: [a], key: "absent").isEmpty)

            let failures: [(() async throws -> Void, WharfError.Kind, String)] = [
                ({ _ = try await tracking.metricHistoryBulkInterval(runIds: [a, "missing"], key: "train/loss") }, .notFound, "run_ids"),
                ({ _ = try await tracking.metricHistoryBulkInterval(runIds: [], key: "train/loss") }, .invalidArgument, "run_ids"),
                ({ _ = try await tracking.metricHistoryBulkInterval(runIds: (0...100).map { "r\($0)" }, key: "train/loss") }, .invalidArgument, "run_ids"),
                ({ _ = try await tracking.metricHistoryBulkInterval(runIds: [a], key: "train/loss", maxResults: 0) }, .invalidArgument, "max_results"),
                ({ _ = try await tracking.metricHistoryBulkInterval(runIds: [a], key: "train/loss", maxResults: 2501) }, .invalidArgument, "max_results"),
                ({ _ = try await tracking.metricHistoryBulkInterval(runIds: [a], key: "train/loss", startStep: 1) }, .invalidArgument, "end_step"),
                ({ _ = try await tracking.metricHistoryBulkInterval(runIds: [a], key: "train/loss", startStep: 5, endStep: 1) }, .invalidArgument, "end_step"),
            ]
            for (call, kind, field) in failures {
                await #expect {
                    try await call()
                } throws: { error in
                    (error as? WharfError)?.kind == kind && (error as? WharfError)?.field == field
                }
            }
        }
    }

    @Test(arguments: TestBackend.enabled)
    func loggedModelsDeleteAndSearchByAttributesMetricsParamsTags(_ backend: TestBackend) async throws {
        try await withService(backend) { tracking in
            let exp = try await tracking.createExperiment(name: "e")
            let run = try await tracking.createRun(experimentId: exp).info.runId
            let gbdt = try await tracking.createLoggedModel(experimentId: exp, name: "gbdt", sourceRunId: run, modelType: "classifier",
                                                            tags: [Tag(key: "team", value: "growth")], params: [Param(key: "depth", value: "6")])
            let linear = try await tracking.createLoggedModel(experimentId: exp, name: "linear", sourceRunId: nil, modelType: nil,
                                                              tags: [Tag(key: "team", value: "risk")], params: [Param(key: "depth", value: "1")])
            _ = try await tracking.finalizeLoggedModel(gbdt.modelId, status: "READY")
            let metrics = [Metric(key: "accuracy", value: 0.91, timestamp: 10, step: 1), Metric(key: "accuracy", value: 0.7, timestamp: 9, step: 0)]
            let links = metrics.map { LoggedModelMetric(modelId: gbdt.modelId, metric: $0, runId: run, datasetName: "holdout", datasetDigest: "d1") }
            try await tracking.logBatch(runId: run, metrics: metrics, modelMetrics: links)
            // Linking the same values again (as the client does) keeps them once.
            try await tracking.logBatch(runId: run, metrics: metrics, modelMetrics: links)
            try await tracking.logBatch(runId: run, metrics: [Metric(key: "accuracy", value: 0.6, timestamp: 11, step: 0)],
                                        modelMetrics: [LoggedModelMetric(modelId: linear.modelId, metric: Metric(key: "accuracy", value: 0.6, timestamp: 11, step: 0), runId: run)])
            let loaded = try await tracking.getLoggedModel(gbdt.modelId)
            #expect(loaded.metrics.map(\.value) == [0.7, 0.91])
            #expect(loaded.metrics.first?.datasetName == "holdout")
            #expect(try await tracking.getLoggedModel(linear.modelId).metrics.first?.datasetName == nil)

            func names(_ filter: String) async throws -> [String] {
                try await tracking.searchLoggedModels(experimentIds: [exp], filter: filter).items.map(\.name)
            }
            #expect(try await names("metrics.accuracy > 0.8") == ["gbdt"])
            #expect(try await names("metrics.accuracy < 0.75") == ["linear", "gbdt"])
            #expect(try await names("params.depth = '6'") == ["gbdt"])
            #expect(try await names("tags.team LIKE 'ri%'") == ["linear"])
            #expect(try await names("status = 'LOGGED_MODEL_READY'") == ["gbdt"])
            #expect(try await names("attributes.status = 'PENDING'") == ["linear"])
            #expect(try await names("model_type = 'classifier' AND source_run_id = '\(run)'") == ["gbdt"])
            #expect(try await names("name IN ('gbdt', 'other')") == ["gbdt"])
            #expect(try await names("model_id = '\(linear.modelId)'") == ["linear"])
            #expect(try await names("creation_time >= \(gbdt.creationTimestampMs) AND last_updated_time > 0").count == 2)
            #expect(try await names("creation_time < 0").isEmpty)
            func ordered(_ orders: [LoggedModelOrder]) async throws -> [String] {
                try await tracking.searchLoggedModels(experimentIds: [exp], orderBy: orders).items.map(\.name)
            }
            #expect(try await ordered([LoggedModelOrder(fieldName: "name")]) == ["gbdt", "linear"])
            #expect(try await ordered([LoggedModelOrder(fieldName: "name", ascending: false)]) == ["linear", "gbdt"])
            // A metric orders by its latest value: gbdt's accuracy at step 1 is 0.91, linear's 0.6.
            #expect(try await ordered([LoggedModelOrder(fieldName: "metrics.accuracy", ascending: false)]) == ["gbdt", "linear"])
            #expect(try await ordered([LoggedModelOrder(fieldName: "metrics.accuracy")]) == ["linear", "gbdt"])
            // Only gbdt has a value on the holdout dataset; a model without one sorts last in either direction.
            #expect(try await ordered([LoggedModelOrder(fieldName: "metrics.accuracy", ascending: true, datasetName: "holdout")]) == ["gbdt", "linear"])
            #expect(try await ordered([LoggedModelOrder(fieldName: "params.depth")]) == ["linear", "gbdt"])
            #expect(try await ordered([LoggedModelOrder(fieldName: "tags.team", ascending: false)]) == ["linear", "gbdt"])
            #expect(try await ordered([LoggedModelOrder(fieldName: "creation_timestamp", ascending: true)]).count == 2)
            for bad in ["colour", "metrics.", "name name"] {
                await #expect(throws: WharfError.self, "\(bad)") { _ = try await ordered([LoggedModelOrder(fieldName: bad)]) }
            }
            await #expect {
                _ = try await ordered([LoggedModelOrder(fieldName: "name"), LoggedModelOrder(fieldName: "colour")])
            } throws: { ($0 as? WharfError)?.field == "order_by[1].field_name" }
            for bad in ["metrics.accuracy LIKE '1'", "params.depth > '1'", "colour = 'red'", "name = 'x' OR name = 'y'", "metrics.accuracy > 'high'"] {
                await #expect(throws: WharfError.self, "\(bad)") { _ = try await names(bad) }
            }
            await #expect {
                try await tracking.logBatch(runId: run, metrics: metrics, modelMetrics: [LoggedModelMetric(modelId: "m-missing", metric: metrics[0], runId: run)])
            } throws: { ($0 as? WharfError)?.kind == .notFound }

            await #expect {
                try await tracking.deleteLoggedModelTag(gbdt.modelId, key: "absent")
            } throws: { ($0 as? WharfError)?.kind == .notFound && ($0 as? WharfError)?.field == "tag_key" }
            try await tracking.deleteLoggedModelTag(gbdt.modelId, key: "team")
            #expect(try await tracking.getLoggedModel(gbdt.modelId).tags.isEmpty)

            try await tracking.deleteLoggedModel(linear.modelId)
            await #expect { _ = try await tracking.getLoggedModel(linear.modelId) } throws: { ($0 as? WharfError)?.kind == .notFound }
            #expect(try await names("").contains("linear") == false)
            #expect(try await names("metrics.accuracy < 0.75") == ["gbdt"])
            await #expect { try await tracking.deleteLoggedModel("m-missing") } throws: { ($0 as? WharfError)?.kind == .notFound }
        }
    }

    @Test(arguments: TestBackend.enabled)
    func concurrentWritersToOneRunLoseNothing(_ backend: TestBackend) async throws {
        try await withService(backend) { tracking in
            let exp = try await tracking.createExperiment(name: "e")
            let run = try await tracking.createRun(experimentId: exp).info.runId
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<20 {
                    group.addTask {
                        for i in 0..<5 {
                            try await tracking.logMetric(runId: run, Metric(key: "loss", value: Double(client * 100 + i), timestamp: 1, step: Int64(client * 5 + i)))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let history = try await tracking.metricHistory(runId: run, key: "loss")
            #expect(history.items.count == 100)
            var expected: Set<Double> = []
            for c in 0..<20 {
                for i in 0..<5 { expected.insert(Double(c * 100 + i)) }
            }
            #expect(Set(history.items.map(\.value)) == expected)
            #expect(try await tracking.getRun(run).data.metrics.first?.step == 99)
        }
    }

    @Test(arguments: TestBackend.enabled)
    func loggedModelsLifecycle(_ backend: TestBackend) async throws {
        try await withService(backend) { tracking in
            let exp = try await tracking.createExperiment(name: "e")
            let run = try await tracking.createRun(experimentId: exp).info.runId
            let model = try await tracking.createLoggedModel(experimentId: exp, name: "clf", sourceRunId: run, modelType: nil, tags: [Tag(key: "k", value: "v")])
            #expect(model.status == "PENDING")
            #expect(model.artifactUri == "mlflow-artifacts:/\(exp)/models/\(model.modelId)/artifacts")
            #expect(try await tracking.finalizeLoggedModel(model.modelId, status: "READY").status == "READY")
            try await tracking.setLoggedModelTags(model.modelId, tags: [Tag(key: "k", value: "w")])
            #expect(try await tracking.getLoggedModel(model.modelId).tags == [Tag(key: "k", value: "w")])
            try await tracking.logOutputs(runId: run, models: [ModelOutput(modelId: model.modelId, step: 0)])
            #expect(try await tracking.getRun(run).outputs.modelOutputs.map(\.modelId) == [model.modelId])
            #expect(try await tracking.searchLoggedModels(experimentIds: [exp]).items.map(\.modelId) == [model.modelId])
            #expect(try await tracking.searchLoggedModels(experimentIds: [exp], filter: "name = 'clf'").items.map(\.modelId) == [model.modelId])
            #expect(try await tracking.searchLoggedModels(experimentIds: [exp], filter: "name = 'report'").items.isEmpty)
            await #expect(throws: WharfError.self) { _ = try await tracking.searchLoggedModels(experimentIds: [exp], filter: "colour = 'red'") }
            await #expect(throws: WharfError.self) { _ = try await tracking.getLoggedModel("m-missing") }
        }
    }
}
