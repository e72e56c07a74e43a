/// The one version number of Pactoria: the CLI's version, `/health` and the OpenAPI document's
/// `info.version` all read it from here.
public enum PactoriaVersion {
    public static let current = "0.3.0"
}
