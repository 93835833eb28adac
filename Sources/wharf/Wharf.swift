import ArgumentParser

@main
struct Wharf: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wharf",
        abstract: "Wharf: stage data, train and evaluate models, track experiments and register models from one binary.",
        discussion: """
            What works today: an S3-compatible object store and API keys (server, keys, s3), data profiling
            and validation (data), GBDT and linear training, prediction and evaluation on your machine
            (train, predict, evaluate), MLflow-compatible experiment tracking and model registry (experiments,
            runs, models), and Amazon States Language state machines run locally (states). Training jobs,
            tuning, endpoints, functions and durable workflows on the server are being built and are not
            available yet.

            Client commands talk to WHARF_URL (default http://127.0.0.1:8080) with the key in WHARF_API_KEY.
            Exit codes: 0 success, 1 failure, 3 not found, 4 unauthenticated or forbidden,
            5 server error or server unreachable, 64 usage error.
            """,
        version: "0.1.0",
        subcommands: [ServerCommand.self, KeysCommand.self, S3Command.self, StatesCommand.self, DataCommand.self, TrainCommand.self, PredictCommand.self, EvaluateCommand.self, ExperimentsCommand.self, RunsCommand.self, ModelsCommand.self, EnvCommand.self]
    )
}
