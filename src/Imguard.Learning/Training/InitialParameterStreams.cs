using Imguard.Mpc.Preprocessing;

namespace Imguard.Learning.Training;

/// <summary>
/// Which <see cref="DealtSecrets"/> stream carries initial parameter tensor i: the one number the dealer
/// (Imguard.Dealer's TrainingDealer, which deals the shares) and each party (<see cref="SecureTraining"/>, which
/// expands or receives them) must agree on, so it lives here beside the party's side.
/// </summary>
public static class InitialParameterStreams
{
    /// <summary>The stream of parameter tensor <paramref name="index"/> (spec order).</summary>
    public static ulong Of(int index) => DealtSecrets.Stream(DealtPurpose.InitialParameters, 0, index);
}
