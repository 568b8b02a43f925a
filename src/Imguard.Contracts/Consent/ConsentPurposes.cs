namespace Imguard.Contracts.Consent;

/// <summary>What a job does with a dataset it names (<see cref="ConsentDataset.Purpose"/>).</summary>
public static class ConsentPurposes
{
    /// <summary>Its images train the model.</summary>
    public const string Train = "train";

    /// <summary>The trained model is evaluated on it; only its owner learns the accuracy.</summary>
    public const string Test = "test";

    public static bool IsKnown(string purpose) => purpose is Train or Test;
}
