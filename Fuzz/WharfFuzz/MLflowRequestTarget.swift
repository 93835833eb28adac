import NIOCore
@testable import WharfServer

/// MLflow request bodies: the JSON parser of the MLflow face, a query string, and the typed reads
/// its routes make (log-batch metrics, params and tags, ids, lists, limits).
/// Input: a query string up to the first newline, then the body.
enum MLflowRequestTarget {
    static let target = FuzzTarget(name: "mlflow", summary: "WharfServer MLflow RequestJSON and MLflowParameters") { buffer in
        var input = FuzzInput(buffer)
        let query = input.field().text
        var values = RequestJSONObject()
        if let fields = try? MLflowParameters.queryFields(query) {
            for (name, value) in fields { values.fields.append((name, .string(value))) }
        }
        let body = ByteBuffer(bytes: input.rest)
        if let parsed = try? RequestJSON.parse(body) {
            if case .object(let object) = parsed { values.fields.append(contentsOf: object.fields) }
        }
        let p = MLflowParameters(values: values)
        _ = try? p.metrics(runId: "run")
        _ = try? p.params()
        _ = try? p.tags()
        _ = try? p.string("run_id")
        _ = try? p.optionalString("experiment_id")
        _ = try? p.int64("timestamp")
        _ = try? p.optionalInt64("step")
        _ = try? p.double("value")
        _ = try? p.bool("allow_missing")
        _ = try? p.stringList("experiment_ids")
        _ = try? p.maxResults(default: 1000)
        _ = try? p.object("model")?.tags()
        _ = try? p.objects("inputs").map { try $0.tags() }
    }
}
