import Foundation

/// Amazon SageMaker Runtime on restJson1 (signing name `sagemaker`, like the control plane). Endpoints
/// arrive with the endpoints issue; until then none exists and InvokeEndpoint answers as AWS answers
/// for an unknown endpoint.
enum SageMakerRuntimeFace {
    static func service() -> AWSService {
        var runtime = AWSService(
            signingName: "sagemaker", title: "Amazon SageMaker Runtime", apiVersion: "2017-05-13", protocol: .restJson1,
            errorCodes: [
                .missingMember: AWSErrorName("ValidationError", 400),
                .invalidValue: AWSErrorName("ValidationError", 400),
                .wrongType: AWSErrorName("ValidationError", 400),
            ])
        runtime.operation(
            "InvokeEndpoint", access: .invoke,
            http: AWSHTTPBinding(
                .post, "/endpoints/{EndpointName}/invocations",
                headers: [
                    "ContentType": "Content-Type", "Accept": "Accept", "CustomAttributes": "X-Amzn-SageMaker-Custom-Attributes",
                    "TargetModel": "X-Amzn-SageMaker-Target-Model", "TargetVariant": "X-Amzn-SageMaker-Target-Variant",
                    "TargetContainerHostname": "X-Amzn-SageMaker-Target-Container-Hostname", "InferenceId": "X-Amzn-SageMaker-Inference-Id",
                    "EnableExplanations": "X-Amzn-SageMaker-Enable-Explanations", "InferenceComponentName": "X-Amzn-SageMaker-Inference-Component",
                    "SessionId": "X-Amzn-SageMaker-Session-Id",
                ],
                payload: "Body",
                responseHeaders: [
                    "ContentType": "Content-Type", "InvokedProductionVariant": "x-Amzn-Invoked-Production-Variant",
                    "CustomAttributes": "X-Amzn-SageMaker-Custom-Attributes",
                ],
                responsePayload: "Body"),
            documentation: "ValidationError: no endpoints exist yet"
        ) { (input: InvokeEndpointInput, call) -> InvokeEndpointOutput in
            throw AWSError("ValidationError", "Endpoint \(input.EndpointName) of account \(try await call.account.id()) not found.")
        }
        return runtime
    }
}

struct InvokeEndpointInput: AWSShape {
    var EndpointName: String
    var Body: Data
    var ContentType: String?
    var Accept: String?
    var CustomAttributes: String?
    var TargetModel: String?
    var TargetVariant: String?
    var TargetContainerHostname: String?
    var InferenceId: String?
    var EnableExplanations: String?
    var InferenceComponentName: String?
    var SessionId: String?
}

struct InvokeEndpointOutput: AWSShape {
    var Body: Data
    var ContentType: String?
    var InvokedProductionVariant: String?
    var CustomAttributes: String?
}
