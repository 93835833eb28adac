import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WharfPlatform
@testable import WharfServer

/// The native `/v1` tracking and registry routes.
@Suite struct TrackingRoutesTests {
    @Test func experimentsRunsLoggingAndSearch() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let experimentId = try await client.execute(uri: "/v1/experiments", method: .post, body: jsonBody(#"{"name":"leads","tags":[{"key":"team","value":"growth"}]}"#)) { response in
                #expect(response.status == .created)
                return response.body.json["experimentId"] as? String ?? ""
            }
            let runId = try await client.execute(uri: "/v1/runs", method: .post, body: jsonBody(#"{"experimentId":"\#(experimentId)","runName":"first"}"#)) { response in
                #expect(response.status == .created)
                return (response.body.json["info"] as? [String: Any])?["runId"] as? String ?? ""
            }
            try await client.execute(uri: "/v1/runs/\(runId)/log", method: .post,
                                     body: jsonBody(#"{"metrics":[{"key":"auc","value":0.91,"step":1},{"key":"auc","value":0.85}],"params":[{"key":"max_depth","value":"6"}]}"#)) {
                #expect($0.status == .noContent)
            }
            try await client.execute(uri: "/v1/runs/\(runId)/log", method: .post, body: jsonBody(#"{"params":[{"key":"max_depth","value":"7"}]}"#)) { response in
                #expect(response.status == .conflict)
                #expect(response.body.errorField == "params.max_depth")
            }
            try await client.execute(uri: "/v1/runs/\(runId)/metrics/auc", method: .get) { response in
                let values = (response.body.json["metrics"] as? [[String: Any]] ?? []).map { $0["value"] as? Double }
                #expect(values == [0.85, 0.91])
            }
            let filter = "metrics.auc > 0.9 and params.max_depth = '6'".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            try await client.execute(uri: "/v1/runs?experimentId=\(experimentId)&filter=\(filter)&orderBy=metrics.auc%20DESC", method: .get) { response in
                #expect(response.status == .ok)
                #expect((response.body.json["runs"] as? [Any])?.count == 1)
            }
            try await client.execute(uri: "/v1/runs?experimentId=\(experimentId)&filter=metrics.auc%20%3E", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.errorField == "filter")
            }
            try await client.execute(uri: "/v1/runs/\(runId)", method: .patch, body: jsonBody(#"{"status":"DONE"}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.errorField == "status")
            }
            try await client.execute(uri: "/v1/runs/\(runId)", method: .patch, body: jsonBody(#"{"status":"FINISHED","endTime":5}"#)) { response in
                #expect((response.body.json["info"] as? [String: Any])?["status"] as? String == "FINISHED")
            }
            try await client.execute(uri: "/v1/runs/\(runId)", method: .delete) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/runs?experimentId=\(experimentId)", method: .get) { #expect(($0.body.json["runs"] as? [Any])?.count == 0) }
            try await client.execute(uri: "/v1/experiments/404", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test func metricKeysWithSlashesAreReachable() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let runId = try await server.platform.tracking.createRun(experimentId: "0").info.runId
            try await client.execute(uri: "/v1/runs/\(runId)/log", method: .post, body: jsonBody(#"""
                {"metrics":[{"key":"train/loss","value":0.5,"step":1},{"key":"train/loss","value":0.25,"step":2},{"key":"train","value":9},
                            {"key":"eval/a b%c?","value":1}]}
                """#)) { #expect($0.status == .noContent) }
            for uri in ["/v1/runs/\(runId)/metrics/train/loss", "/v1/runs/\(runId)/metrics/train%2Floss", "/v1/runs/\(runId)/metrics?key=train%2Floss",
                        "/v1/runs/\(runId)/metrics?key=train/loss&maxResults=5"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok, "\(uri)")
                    let metrics = response.body.json["metrics"] as? [[String: Any]] ?? []
                    #expect(metrics.map { $0["value"] as? Double } == [0.5, 0.25], "\(uri)")
                    #expect(metrics.allSatisfy { $0["key"] as? String == "train/loss" }, "\(uri)")
                }
            }
            // The plain key is still its own metric, and reserved characters arrive percent-encoded.
            try await client.execute(uri: "/v1/runs/\(runId)/metrics/train", method: .get) { response in
                #expect((response.body.json["metrics"] as? [[String: Any]])?.map { $0["value"] as? Double } == [9])
            }
            try await client.execute(uri: "/v1/runs/\(runId)/metrics/eval/a%20b%25c%3F", method: .get) { response in
                #expect((response.body.json["metrics"] as? [[String: Any]])?.first?["key"] as? String == "eval/a b%c?")
            }
            try await client.execute(uri: "/v1/runs/\(runId)/metrics?key=eval%2Fa%20b%25c%3F", method: .get) { response in
                #expect((response.body.json["metrics"] as? [[String: Any]])?.count == 1)
            }
            try await client.execute(uri: "/v1/runs/\(runId)/metrics", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.errorField == "key")
            }
            try await client.execute(uri: "/v1/runs/\(runId)/metrics/bad%zz", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.errorField == "key")
            }
            try await client.execute(uri: "/v1/runs/missing/metrics/train/loss", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test func registryRoutesAndLineage() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let run = try await server.platform.tracking.createRun(experimentId: "0")
            try await server.platform.tracking.logInputs(runId: run.info.runId, datasets: [
                DatasetInput(tags: [], dataset: Dataset(name: "leads", digest: "f00d", sourceType: "local", source: "leads.csv")),
            ])
            try await client.execute(uri: "/v1/models", method: .post, body: jsonBody(#"{"name":"scorer"}"#)) { #expect($0.status == .created) }
            try await client.execute(uri: "/v1/models/scorer/versions", method: .post, body: jsonBody(#"{"source":"runs:/\#(run.info.runId)/model","runId":"\#(run.info.runId)"}"#)) { response in
                #expect(response.status == .created)
                #expect(response.body.json["version"] as? String == "1")
            }
            try await client.execute(uri: "/v1/models/scorer/aliases/champion", method: .put, body: jsonBody(#"{"version":"1"}"#)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/models/scorer/aliases/champion", method: .get) { #expect($0.body.json["version"] as? String == "1") }
            let mlmodel = """
                artifact_path: model
                signature:
                  inputs: '[{"type": "double", "name": "visits", "required": true}]'
                  outputs: '[{"type": "long", "required": true}]'
                  params: null
                utc_time_created: '2026-11-23'

                """
            try await client.execute(uri: "/v1/artifacts/0/\(run.info.runId)/artifacts/model/MLmodel", method: .put, body: ByteBuffer(string: mlmodel)) {
                #expect($0.status == .noContent)
            }
            try await client.execute(uri: "/v1/models/scorer/versions/1/lineage", method: .get) { response in
                let signature = response.body.json["signature"] as? [String: Any]
                #expect(signature?["inputs"] as? String == #"[{"type": "double", "name": "visits", "required": true}]"#)
                #expect(signature?["outputs"] as? String == #"[{"type": "long", "required": true}]"#)
                #expect(response.body.json["runId"] as? String == run.info.runId)
                #expect((response.body.json["datasets"] as? [[String: Any]])?.first?["digest"] as? String == "f00d")
            }
            try await client.execute(uri: "/v1/models/scorer/versions/1/stage", method: .post, body: jsonBody(#"{"stage":"Staging"}"#)) {
                #expect($0.body.json["currentStage"] as? String == "Staging")
            }
            try await client.execute(uri: "/v1/models/scorer/versions/1", method: .delete) { #expect($0.status == .conflict) }
            try await client.execute(uri: "/v1/models/scorer/versions/x", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.errorField == "version")
            }
            try await client.execute(uri: "/v1/artifacts/0/../../x", method: .put, body: ByteBuffer(string: "x")) { #expect($0.status == .badRequest) }
        }
    }
}
