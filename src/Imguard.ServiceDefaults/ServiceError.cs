namespace Imguard.ServiceDefaults;

/// <summary>
/// The one place the service defaults make exceptions: messages name settings, files and roles, never key material
/// or tokens.
/// </summary>
internal static class ServiceError
{
    public static InvalidOperationException BadSetting(string setting, string message) =>
        new($"Setting '{setting}': {message}");

    public static InvalidOperationException NotInitialized(string path) =>
        new($"No IMGuard deployment at '{Path.GetDirectoryName(path)}' ({Path.GetFileName(path)} is missing). " +
            "Run `imguard init --data-dir DIR` first, or pass the --data-dir of an existing deployment.");

    public static InvalidOperationException BadSettingsFile(string path, string reason) =>
        new($"The settings file '{path}' could not be read: {reason}");

    public static InvalidOperationException AlreadyInitialized(string root) =>
        new($"'{root}' already holds an IMGuard deployment; refusing to overwrite its certificates. Use another " +
            "--data-dir, or delete the folder to start over (its data and keys are lost).");

    public static InvalidOperationException MissingFile(string what, string path) =>
        new($"The {what} is missing ('{path}'). Was this data directory made by `imguard init`, and was the file " +
            "copied to this host?");

    public static InvalidOperationException BadCertificate(string what, string path, string reason) =>
        new($"The {what} at '{path}' is not usable: {reason}");

    public static ArgumentException InvalidOption(string option, string message) =>
        new($"Invalid {option}: {message}", option);
}
