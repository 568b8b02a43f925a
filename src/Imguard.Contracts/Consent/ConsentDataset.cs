namespace Imguard.Contracts.Consent;

/// <summary>
/// One dataset a job uses, as its owner approves it: the dataset, what the job does with it (<see cref="ConsentPurposes"/>),
/// and the owner with the public key the parties bound to the dataset's halves when they were uploaded.
/// </summary>
/// <param name="DatasetId">The platform's dataset id.</param>
/// <param name="Purpose"><see cref="ConsentPurposes.Train"/> or <see cref="ConsentPurposes.Test"/>.</param>
/// <param name="Owner">The owner's user name, as the approver is shown it.</param>
/// <param name="OwnerKey">The owner's public key, SubjectPublicKeyInfo DER of an ECDSA P-256 key (<see cref="OwnerKeys"/>).</param>
public sealed record ConsentDataset(string DatasetId, string Purpose, string Owner, byte[] OwnerKey);
