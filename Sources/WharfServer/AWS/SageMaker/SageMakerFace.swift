/// Amazon SageMaker's control plane on awsJson1.1 (target prefix `SageMaker`). Its operations
/// (training jobs, models, endpoints, tuning, transform) are declared by their issues; until then the
/// face answers every target with awsJson's UnknownOperationException.
enum SageMakerFace {
    static func service() -> AWSService {
        AWSService(
            signingName: "sagemaker", title: "Amazon SageMaker", apiVersion: "2017-07-24",
            protocol: .awsJson1_1(targetPrefix: "SageMaker"),
            errorCodes: [.invalidNextToken: AWSErrorName("ValidationException", 400)])
    }
}
