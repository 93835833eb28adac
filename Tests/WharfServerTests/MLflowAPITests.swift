import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WharfPlatform
@testable import WharfServer

/// The MLflow REST face through the real router: shapes, errors, roles and the artifact proxy.
@Suite struct MLflowAPITests {
    static let api = "/api/2.0/mlflow"

    func post(_ client: some TestClientProtocol, _ path: String, _ body: String, headers: HTTPFields = [:]) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: Self.api + path, method: .post, headers: headers, body: jsonBody(body)) { ($0.status, $0.body.json) }
    }

    func get(_ client: some TestClientProtocol, _ path: String, headers: HTTPFields = [:]) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: Self.api + path, method: .get, headers: headers) { ($0.status, $0.body.json) }
    }

    @Test func experimentRunMetricsAndSearchInMLflowShapes() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let (status, created) = try await post(client, "/experiments/create", #"{"name":"leads"}"#)
            #expect(status == .ok)
            let experimentId = try #require(created["experiment_id"] as? String)
            let (_, byName) = try await get(client, "/experiments/get-by-name?experiment_name=leads")
            #expect((byName["experiment"] as? [String: Any])?["artifact_location"] as? String == "mlflow-artifacts:/\(experimentId)")

            let (_, runBody) = try await post(client, "/runs/create", #"{"experiment_id":"\#(experimentId)","start_time":"1700000000000","run_name":"r1","tags":[{"key":"mlflow.user","value":"ana"}]}"#)
            let info = try #require((runBody["run"] as? [String: Any])?["info"] as? [String: Any])
            let runId = try #require(info["run_id"] as? String)
            #expect(info["run_uuid"] as? String == runId)
            #expect(info["status"] as? String == "RUNNING")
            #expect(info["start_time"] as? Int == 1_700_000_000_000)

            let batch = #"{"run_id":"\#(runId)","metrics":[{"key":"auc","value":0.9,"timestamp":1,"step":0},{"key":"auc","value":"NaN","timestamp":2,"step":1}],"params":[{"key":"max_depth","value":"6"}],"tags":[{"key":"stage","value":"prod"}]}"#
            #expect(try await post(client, "/runs/log-batch", batch).0 == .ok)
            #expect(try await post(client, "/runs/log-metric", #"{"run_id":"\#(runId)","key":"auc","value":0.95,"timestamp":3,"step":2}"#).0 == .ok)

            let (_, history) = try await get(client, "/metrics/get-history?run_id=\(runId)&metric_key=auc")
            let values = (history["metrics"] as? [[String: Any]] ?? []).map { $0["value"] }
            #expect(values.count == 3)
            #expect(values[1] as? String == "NaN")
            #expect(values[2] as? Double == 0.95)

            let (searchStatus, search) = try await post(client, "/runs/search", #"{"experiment_ids":["\#(experimentId)"],"filter":"params.max_depth = '6' and tags.stage != 'dev'","order_by":["metrics.auc DESC"],"max_results":10}"#)
            #expect(searchStatus == .ok)
            let runs = search["runs"] as? [[String: Any]] ?? []
            #expect(runs.count == 1)
            let data = runs.first?["data"] as? [String: Any]
            #expect((data?["params"] as? [[String: Any]])?.first?["value"] as? String == "6")

            #expect(try await post(client, "/runs/update", #"{"run_id":"\#(runId)","status":"FINISHED","end_time":1700000001000}"#).0 == .ok)
            let (_, fetched) = try await get(client, "/runs/get?run_id=\(runId)")
            #expect(((fetched["run"] as? [String: Any])?["info"] as? [String: Any])?["status"] as? String == "FINISHED")

            // The same run through the native face.
            try await client.execute(uri: "/v1/runs/\(runId)", method: .get) { response in
                #expect(response.status == .ok)
                #expect((response.body.json["info"] as? [String: Any])?["status"] as? String == "FINISHED")
            }
        }
    }

    @Test func errorsUseMLflowShapes() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let (status, body) = try await get(client, "/runs/get?run_id=missing")
            #expect(status == .notFound)
            #expect(body["error_code"] as? String == "RESOURCE_DOES_NOT_EXIST")
            #expect((body["message"] as? String)?.contains("missing") == true)
            try await client.execute(uri: "/v1/runs/missing", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.body.errorCode == "NotFound")
            }

            let (_, created) = try await post(client, "/runs/create", #"{"experiment_id":"0"}"#)
            let runId = try #require(((created["run"] as? [String: Any])?["info"] as? [String: Any])?["run_id"] as? String)
            #expect(try await post(client, "/runs/log-parameter", #"{"run_id":"\#(runId)","key":"lr","value":"0.1"}"#).0 == .ok)
            let (changed, changedBody) = try await post(client, "/runs/log-parameter", #"{"run_id":"\#(runId)","key":"lr","value":"0.2"}"#)
            #expect(changed == .badRequest)
            #expect(changedBody["error_code"] as? String == "INVALID_PARAMETER_VALUE")
            #expect((changedBody["message"] as? String)?.contains("'lr'") == true)

            let (malformed, malformedBody) = try await post(client, "/runs/search", #"{"experiment_ids":["0"],"filter":"metrics.auc >> 1"}"#)
            #expect(malformed == .badRequest)
            #expect((malformedBody["message"] as? String)?.contains("position 13") == true)

            let metrics = (0..<1001).map { #"{"key":"m","value":\#($0),"timestamp":1,"step":\#($0)}"# }.joined(separator: ",")
            let (oversized, oversizedBody) = try await post(client, "/runs/log-batch", #"{"run_id":"\#(runId)","metrics":[\#(metrics)]}"#)
            #expect(oversized == .badRequest)
            #expect((oversizedBody["message"] as? String)?.contains("1000") == true)

            let (missing, missingBody) = try await post(client, "/runs/log-metric", #"{"run_id":"\#(runId)","key":"m","timestamp":1}"#)
            #expect(missing == .badRequest)
            #expect((missingBody["message"] as? String)?.contains("'value'") == true)

            let (unknownRoute, unknownBody) = try await get(client, "/no-such-call")
            #expect(unknownRoute == .notFound)
            #expect(unknownBody["error_code"] as? String == "ENDPOINT_NOT_FOUND")
        }
    }

    @Test func artifactsRoundTripAndTraversalIsRefused() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let base = "/api/2.0/mlflow-artifacts/artifacts"
            try await client.execute(uri: base + "/0/run1/artifacts/model/MLmodel", method: .put, body: ByteBuffer(string: "flavors: {}\n")) { #expect($0.status == .ok) }
            try await client.execute(uri: base + "/0/run1/artifacts/notes.txt", method: .put, body: ByteBuffer(string: "hello")) { #expect($0.status == .ok) }
            try await client.execute(uri: base + "/0/run1/artifacts/notes.txt", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "hello")
            }
            try await client.execute(uri: base + "?path=0/run1/artifacts", method: .get) { response in
                let files = response.body.json["files"] as? [[String: Any]] ?? []
                #expect(files.map { $0["path"] as? String } == ["model", "notes.txt"])
                #expect(files.map { $0["is_dir"] as? Bool } == [true, false])
                #expect(files.last?["file_size"] as? Int == 5)
            }
            for bad in ["/0/run1/../../etc/passwd", "/0/run1/%2e%2e/%2e%2e/x", "/0/run1/%252e%252e/x", "//etc/passwd", "/0/a%5cb"] {
                try await client.execute(uri: base + bad, method: .put, body: ByteBuffer(string: "x")) { response in
                    #expect(response.status == .badRequest, "\(bad)")
                    #expect(response.body.json["error_code"] as? String == "INVALID_PARAMETER_VALUE", "\(bad)")
                }
            }
            try await client.execute(uri: base + "?path=0/../..", method: .get) { #expect($0.status == .badRequest) }
            try await client.execute(uri: base + "/0/run1/artifacts/absent", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test func registryAliasesStagesAndProtection() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let (_, created) = try await post(client, "/runs/create", #"{"experiment_id":"0"}"#)
            let runId = try #require(((created["run"] as? [String: Any])?["info"] as? [String: Any])?["run_id"] as? String)
            #expect(try await post(client, "/registered-models/create", #"{"name":"scorer"}"#).0 == .ok)
            let (dup, dupBody) = try await post(client, "/registered-models/create", #"{"name":"scorer"}"#)
            #expect(dup == .badRequest)
            #expect(dupBody["error_code"] as? String == "RESOURCE_ALREADY_EXISTS")
            let (_, v1) = try await post(client, "/model-versions/create", #"{"name":"scorer","source":"runs:/\#(runId)/model","run_id":"\#(runId)"}"#)
            #expect((v1["model_version"] as? [String: Any])?["version"] as? String == "1")
            _ = try await post(client, "/model-versions/create", #"{"name":"scorer","source":"runs:/\#(runId)/model2","run_id":"\#(runId)"}"#)
            #expect(try await post(client, "/registered-models/alias", #"{"name":"scorer","alias":"champion","version":"1"}"#).0 == .ok)
            #expect(try await post(client, "/registered-models/alias", #"{"name":"scorer","alias":"champion","version":"2"}"#).0 == .ok)
            let (_, byAlias) = try await get(client, "/registered-models/alias?name=scorer&alias=champion")
            #expect((byAlias["model_version"] as? [String: Any])?["version"] as? String == "2")

            let (_, staged) = try await post(client, "/model-versions/transition-stage", #"{"name":"scorer","version":"1","stage":"Production","archive_existing_versions":false}"#)
            #expect((staged["model_version"] as? [String: Any])?["current_stage"] as? String == "Production")
            _ = try await post(client, "/model-versions/transition-stage", #"{"name":"scorer","version":"2","stage":"production","archive_existing_versions":true}"#)
            let (_, old) = try await get(client, "/model-versions/get?name=scorer&version=1")
            #expect((old["model_version"] as? [String: Any])?["current_stage"] as? String == "Archived")

            let (_, uri) = try await get(client, "/model-versions/get-download-uri?name=scorer&version=2")
            #expect(uri["artifact_uri"] as? String == "mlflow-artifacts:/0/\(runId)/artifacts/model2")

            // Version 2's artifacts are protected while 'champion' points at it.
            let artifact = "/api/2.0/mlflow-artifacts/artifacts/0/\(runId)/artifacts/model2/model.pkl"
            try await client.execute(uri: artifact, method: .put, body: ByteBuffer(string: "weights")) { #expect($0.status == .ok) }
            try await client.execute(uri: artifact, method: .delete) { response in
                #expect(response.status == .conflict)
                #expect(response.body.json["error_code"] as? String == "INVALID_STATE")
            }
            try await client.execute(uri: Self.api + "/model-versions/delete", method: .delete, body: jsonBody(#"{"name":"scorer","version":"2"}"#)) { #expect($0.status == .conflict) }
            try await client.execute(uri: Self.api + "/registered-models/alias", method: .delete, body: jsonBody(#"{"name":"scorer","alias":"champion"}"#)) { #expect($0.status == .ok) }
            try await client.execute(uri: artifact, method: .delete) { #expect($0.status == .ok) }
            let (missing, _) = try await get(client, "/registered-models/get?name=absent")
            #expect(missing == .notFound)
        }
    }

    @Test func readKeysCannotWriteButCanSearch() async throws {
        let server = try await TestServer.make()
        let read = try await server.platform.keys.create(name: "reader", role: .read).secret
        let write = try await server.platform.keys.create(name: "writer", role: .write).secret
        try await server.test { client in
            #expect(try await post(client, "/experiments/create", #"{"name":"x"}"#).0 == .unauthorized)
            let (denied, deniedBody) = try await post(client, "/experiments/create", #"{"name":"x"}"#, headers: bearer(read))
            #expect(denied == .forbidden)
            #expect(deniedBody["error_code"] as? String == "PERMISSION_DENIED")
            #expect(try await post(client, "/experiments/create", #"{"name":"x"}"#, headers: bearer(write)).0 == .ok)
            #expect(try await post(client, "/runs/search", #"{"experiment_ids":["0"]}"#, headers: bearer(read)).0 == .ok)
            try await client.execute(uri: "/api/2.0/mlflow-artifacts/artifacts/0/r/a.txt", method: .put, headers: bearer(read), body: ByteBuffer(string: "x")) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/v1/experiments", method: .post, headers: bearer(read), body: jsonBody(#"{"name":"y"}"#)) {
                #expect($0.status == .forbidden)
            }
        }
    }

    @Test func experimentSearchFiltersOrdersAndPages() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            for (name, team) in [("lead-a", "growth"), ("lead-b", "risk"), ("fraud", "growth")] {
                #expect(try await post(client, "/experiments/create", #"{"name":"\#(name)","tags":[{"key":"team","value":"\#(team)"}]}"#).0 == .ok)
            }
            let (status, found) = try await post(client, "/experiments/search", #"{"filter":"name LIKE 'lead%' AND tags.team = 'growth'","max_results":10}"#)
            #expect(status == .ok)
            #expect((found["experiments"] as? [[String: Any]])?.map { $0["name"] as? String } == ["lead-a"])

            let (_, first) = try await post(client, "/experiments/search", #"{"filter":"attributes.creation_time > 0","order_by":["name DESC"],"max_results":2}"#)
            #expect((first["experiments"] as? [[String: Any]])?.map { $0["name"] as? String } == ["lead-b", "lead-a"])
            let token = try #require(first["next_page_token"] as? String)
            let (_, second) = try await post(client, "/experiments/search", #"{"filter":"attributes.creation_time > 0","order_by":["name DESC"],"max_results":2,"page_token":"\#(token)"}"#)
            #expect((second["experiments"] as? [[String: Any]])?.map { $0["name"] as? String } == ["fraud"])
            #expect(second["next_page_token"] == nil)

            // GET with the arguments in the query string, as the MLflow client sends them.
            let (_, viaGet) = try await get(client, "/experiments/search?filter=tags.team%20%3D%20%27risk%27&order_by=experiment_id%20ASC")
            #expect((viaGet["experiments"] as? [[String: Any]])?.map { $0["name"] as? String } == ["lead-b"])

            let (bad, badBody) = try await post(client, "/experiments/search", #"{"order_by":["tags.team"]}"#)
            #expect(bad == .badRequest)
            #expect(badBody["error_code"] as? String == "INVALID_PARAMETER_VALUE")
            #expect((badBody["message"] as? String)?.contains("order_by[0]") == true)

            try await client.execute(uri: "/v1/experiments?filter=tags.team%20%3D%20%27growth%27&orderBy=name%20ASC", method: .get) { response in
                #expect(response.status == .ok)
                #expect((response.body.json["experiments"] as? [[String: Any]])?.map { $0["name"] as? String } == ["fraud", "lead-a"])
            }
            try await client.execute(uri: "/v1/experiments?filter=colour%20%3D%20%27red%27", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.errorField == "filter")
            }
        }
    }

    @Test func ajaxPrefixServesTheSameAPI() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(uri: "/ajax-api/2.0/mlflow/experiments/get?experiment_id=0", method: .get) { response in
                #expect(response.status == .ok)
                #expect((response.body.json["experiment"] as? [String: Any])?["name"] as? String == "Default")
            }
        }
    }

    @Test func queryPlusIsASpaceAndTypesAreCheckedAsMLflowDoes() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let (_, created) = try await post(client, "/experiments/create", #"{"name":"My Lead Exp"}"#)
            let id = created["experiment_id"] as? String
            let (found, body) = try await get(client, "/experiments/get-by-name?experiment_name=My+Lead+Exp")
            #expect(found == .ok)
            #expect((body["experiment"] as? [String: Any])?["experiment_id"] as? String == id)
            let (searched, list) = try await get(client, "/experiments/search?filter=name+LIKE+%27My+%25%27&max_results=5")
            #expect(searched == .ok)
            #expect((list["experiments"] as? [[String: Any]])?.map { $0["name"] as? String } == ["My Lead Exp"])
            let (badEscape, _) = try await get(client, "/experiments/get-by-name?experiment_name=%zz")
            #expect(badEscape == .badRequest)

            let (typed, typedBody) = try await post(client, "/runs/set-tag", #"{"run_id":42,"key":"k","value":"v"}"#)
            #expect(typed == .badRequest)
            #expect(typedBody["error_code"] as? String == "INVALID_PARAMETER_VALUE")
            #expect((typedBody["message"] as? String)?.hasPrefix("Invalid value 42 for parameter 'run_id' supplied: Hint: Value was of type 'int'.") == true)
            let (named, namedBody) = try await post(client, "/experiments/create", #"{"name":true}"#)
            #expect(named == .badRequest)
            #expect((namedBody["message"] as? String)?.contains("of type 'bool'") == true)
            let (missing, missingBody) = try await post(client, "/runs/set-tag", #"{"key":"k","value":"v"}"#)
            #expect(missing == .badRequest)
            #expect((missingBody["message"] as? String)?.hasPrefix("Missing value for required parameter 'run_id'.") == true)
            let (unknown, unknownBody) = try await get(client, "/runs/get?run_id=abc")
            #expect(unknown == .notFound)
            #expect(unknownBody["message"] as? String == "Run 'abc' not found")

            try await client.execute(uri: "/api/3.0/mlflow/traces/search", method: .post, body: jsonBody("{}")) { response in
                #expect(response.status == .notFound)
                #expect(response.body.json["error_code"] as? String == "ENDPOINT_NOT_FOUND")
            }
            try await client.execute(uri: "/version", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == MLflowFace.mlflowVersion)
            }
        }
    }

    @Test func artifactDownloadsCarryMLflowsHeadersAndBadPathsAre400() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let root = "/api/2.0/mlflow-artifacts/artifacts/0/run/artifacts"
            try await client.execute(uri: root + "/page.html", method: .put, headers: [.contentType: "text/html"], body: ByteBuffer(string: "<b>x</b>")) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: root + "/page.html", method: .get) { response in
                #expect(response.headers[.contentType] == "text/html")
                #expect(response.headers[.contentDisposition] == "attachment; filename=page.html")
                #expect(response.headers[ArtifactDownloadHeaders.contentTypeOptions] == "nosniff")
            }
            try await client.execute(uri: root + "/" + String(repeating: "k", count: 1100), method: .put, body: ByteBuffer(string: "x")) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.json["error_code"] as? String == "INVALID_PARAMETER_VALUE")
            }
            try await client.execute(uri: root + "/tab%09name", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/v1/artifacts/0/run/" + String(repeating: "k", count: 1100), method: .put, body: ByteBuffer(string: "x")) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.errorField == "path")
            }
        }
        #expect(ArtifactDownloadHeaders.contentType(forName: "MLmodel") == "text/plain")
        #expect(ArtifactDownloadHeaders.contentType(forName: "metrics.json") == "text/plain")
        #expect(ArtifactDownloadHeaders.contentType(forName: "x.unknownext") == "application/octet-stream")
        #expect(ArtifactDownloadHeaders.contentDisposition(forName: "a b.txt") == #"attachment; filename="a b.txt""#)
        #expect(ArtifactDownloadHeaders.contentDisposition(forName: "résumé.txt") == "attachment; filename=resume.txt; filename*=UTF-8''r%C3%A9sum%C3%A9.txt")
    }
}
