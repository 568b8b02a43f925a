using System.Diagnostics.CodeAnalysis;

namespace Imguard.Platform;

/// <summary>
/// The result of a platform operation: a value, or a status and a message that is safe to show to the caller
/// (it names ids, fields and limits, never a password, a token or a hash). Failures are made by
/// <see cref="PlatformError"/> only.
/// </summary>
/// <typeparam name="T">The value an operation returns on success.</typeparam>
public sealed class Outcome<T>
{
    private readonly T? _value;

    private Outcome(OutcomeStatus status, T? value, string? error)
    {
        Status = status;
        _value = value;
        Error = error;
    }

    /// <summary>How the operation ended.</summary>
    public OutcomeStatus Status { get; }

    /// <summary>Why it failed, for the caller; null on success.</summary>
    public string? Error { get; }

    /// <summary>True when <see cref="Status"/> is <see cref="OutcomeStatus.Ok"/> and <see cref="Value"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    public bool IsOk => Status == OutcomeStatus.Ok;

    /// <summary>The value; null when the operation failed.</summary>
    public T? Value => _value;

    /// <summary>A success carrying <paramref name="value"/>.</summary>
    [SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "The named alternate of the implicit conversion; T is always given.")]
    public static Outcome<T> Ok(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new Outcome<T>(OutcomeStatus.Ok, value, null);
    }

    /// <summary>The success conversion, so a service can <c>return info;</c>.</summary>
    [SuppressMessage("Usage", "CA2225:Operator overloads have named alternates", Justification = "Ok is the named alternate.")]
    public static implicit operator Outcome<T>(T value) => Ok(value);

    /// <summary>The same failure carrying another value type (to pass a failure up unchanged).</summary>
    public Outcome<TOther> Cast<TOther>() =>
        IsOk ? throw new InvalidOperationException("Only a failed outcome can be cast.") : Outcome<TOther>.Failure(Status, Error!);

    /// <inheritdoc />
    public override string ToString() => IsOk ? $"Ok: {_value}" : $"{Status}: {Error}";

    internal static Outcome<T> Failure(OutcomeStatus status, string error)
    {
        if (status == OutcomeStatus.Ok)
        {
            throw new ArgumentOutOfRangeException(nameof(status), "A failure needs a status other than Ok.");
        }

        return new Outcome<T>(status, default, error);
    }
}
