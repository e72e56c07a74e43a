/// Templates, recommendation, contract generation and compliance analysis.
public enum PactoriaAI {
    public static let analyzerName = "pactoria-local-analyzer"
}
