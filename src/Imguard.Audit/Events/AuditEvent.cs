namespace Imguard.Audit.Events;

/// <summary>
/// One thing that happened, as a caller hands it to the audit log: what (<see cref="EventType"/>, e.g.
/// <c>dataset.uploaded</c>), who (<see cref="Actor"/>, e.g. <c>user:alice</c> or <c>party:0</c>), to what
/// (<see cref="Subjects"/>, e.g. <c>project:7</c>, <c>dataset:ds-12</c>) and a few non-secret facts
/// (<see cref="PropertiesJson"/>). Everything is validated here, before the log takes its lock; the properties are
/// frozen into their JSON text at construction. The log adds the sequence number and the timestamp.
/// </summary>
public sealed class AuditEvent
{
    /// <summary>The longest event type.</summary>
    public const int MaxEventTypeLength = 64;

    /// <summary>The longest actor.</summary>
    public const int MaxActorLength = 128;

    /// <summary>The most subjects one event may name.</summary>
    public const int MaxSubjects = 16;

    /// <summary>The longest subject id.</summary>
    public const int MaxSubjectLength = 128;

    public AuditEvent(string eventType, string actor, IEnumerable<string>? subjects = null, AuditProperties? properties = null)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        ArgumentNullException.ThrowIfNull(actor);
        ValidateEventType(eventType);
        ValidateName(actor, nameof(actor), "actor", MaxActorLength);
        string[] subjectList = subjects?.ToArray() ?? [];
        if (subjectList.Length > MaxSubjects)
        {
            throw AuditError.TooMany(nameof(subjects), "subjects", subjectList.Length, MaxSubjects);
        }

        foreach (string subject in subjectList)
        {
            ArgumentNullException.ThrowIfNull(subject, nameof(subjects));
            ValidateName(subject, nameof(subjects), "subject id", MaxSubjectLength);
        }

        EventType = eventType;
        Actor = actor;
        Subjects = subjectList;
        PropertiesJson = (properties ?? new AuditProperties()).ToJson();
    }

    /// <summary>What happened: lower-case dotted words, e.g. <c>job.started</c>.</summary>
    public string EventType { get; }

    /// <summary>Who did it: a user, a service role or a party.</summary>
    public string Actor { get; }

    /// <summary>The ids of what it was done to, in the caller's order.</summary>
    public IReadOnlyList<string> Subjects { get; }

    /// <summary>The non-secret properties as compact JSON (keys in ordinal order).</summary>
    public string PropertiesJson { get; }

    private static void ValidateEventType(string eventType)
    {
        if (eventType.Length == 0)
        {
            throw AuditError.Empty(nameof(eventType), "event type");
        }

        if (eventType.Length > MaxEventTypeLength)
        {
            throw AuditError.TooLong(nameof(eventType), "event type", eventType.Length, MaxEventTypeLength);
        }

        if (!char.IsAsciiLetterLower(eventType[0]) ||
            !eventType.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-'))
        {
            throw AuditError.BadCharacters(nameof(eventType), "event type", "a lower-case letter followed by lower-case letters, digits, '.', '_' and '-'");
        }
    }

    private static void ValidateName(string value, string parameter, string what, int limit)
    {
        if (value.Length == 0)
        {
            throw AuditError.Empty(parameter, what);
        }

        if (value.Length > limit)
        {
            throw AuditError.TooLong(parameter, what, value.Length, limit);
        }

        if (value.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw AuditError.BadCharacters(parameter, what, "printable characters without spaces");
        }

        SecretGuard.EnsureNotCredential(value, parameter, what);
    }
}
