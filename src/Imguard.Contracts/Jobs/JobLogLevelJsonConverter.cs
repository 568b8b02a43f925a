using System.Text.Json.Serialization;

namespace Imguard.Contracts.Jobs;

/// <summary>
/// <see cref="JobLogLevel"/> as JSON: its name, written as declared ("Information"), read in any case (an earlier party
/// sent "information"); numbers refused (the default enum converter would read 7 as a level). Set on the type, as
/// <see cref="JobStateJsonConverter"/> is for job states, so every serializer that meets a level uses it.
/// </summary>
public sealed class JobLogLevelJsonConverter() : JsonStringEnumConverter<JobLogLevel>(namingPolicy: null, allowIntegerValues: false);
