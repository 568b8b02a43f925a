using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Imguard.Platform.Data;

/// <summary>
/// <see cref="DateTimeOffset"/> ↔ UTC microseconds since 1970 for SQLite: an integer column that sorts and
/// compares in SQL, with the same precision PostgreSQL's <c>timestamptz</c> keeps, so both providers round alike.
/// Values read back are UTC.
/// </summary>
internal sealed class UtcMicrosecondsConverter() : ValueConverter<DateTimeOffset, long>(
    value => (value.UtcTicks - UnixEpochTicks) / TicksPerMicrosecond,
    value => new DateTimeOffset(value * TicksPerMicrosecond + UnixEpochTicks, TimeSpan.Zero))
{
    private const long UnixEpochTicks = 621_355_968_000_000_000;
    private const long TicksPerMicrosecond = 10;
}
