using System.Text.Json.Serialization;

namespace Imguard.Contracts.Jobs;

/// <summary>
/// <see cref="JobState"/> as JSON: its name, read in any case; numbers refused (see the enum's remarks). Set on the
/// type, so every serializer that meets a state uses it, whatever its options.
/// </summary>
public sealed class JobStateJsonConverter() : JsonStringEnumConverter<JobState>(namingPolicy: null, allowIntegerValues: false);
