using Imguard.Platform.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Imguard.Platform.Api;

/// <summary>
/// Turns a service's <see cref="Outcome{T}"/> into the HTTP answer, one status per outcome: Ok → the endpoint's
/// success result, Invalid → 400, Forbidden → 403 (and an <c>access.denied</c> audit event), NotFound → 404,
/// Conflict → 409; failures carry the service's message (safe to show: ids, fields, limits) as problem details.
/// </summary>
internal static class ApiResults
{
    public static Results<TOk, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>> From<T, TOk>(
        Outcome<T> outcome, Func<T, TOk> ok, HttpContext http, string? subject = null)
        where TOk : IResult
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(ok);
        if (outcome.IsOk)
        {
            return ok(outcome.Value);
        }

        return Failure<T, TOk>(outcome, http, subject);
    }

    /// <summary>The HTTP answer for a failed outcome (of any value type), typed for an endpoint whose success is <typeparamref name="TOk"/>.</summary>
    public static Results<TOk, BadRequest<ProblemDetails>, Forbidden, NotFound<ProblemDetails>, Conflict<ProblemDetails>> Failure<T, TOk>(
        Outcome<T> outcome, HttpContext http, string? subject = null)
        where TOk : IResult
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.IsOk)
        {
            throw new ArgumentException("The outcome succeeded.", nameof(outcome));
        }

        string error = outcome.Error ?? outcome.Status.ToString();
        return outcome.Status switch
        {
            OutcomeStatus.Invalid => TypedResults.BadRequest(Problem(StatusCodes.Status400BadRequest, "Invalid request", error)),
            OutcomeStatus.Forbidden => Deny(http, subject, error),
            OutcomeStatus.NotFound => TypedResults.NotFound(Problem(StatusCodes.Status404NotFound, "Not found", error)),
            _ => TypedResults.Conflict(Problem(StatusCodes.Status409Conflict, "Conflict", error)),
        };
    }

    /// <summary>A 403 with the reason, audited as <c>access.denied</c>.</summary>
    public static Forbidden Deny(HttpContext http, string? subject, string detail)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.RequestServices.GetRequiredService<PlatformAudit>().Denied(http, subject, "permission");
        return new Forbidden(detail);
    }

    public static ProblemDetails Problem(int status, string title, string detail) => new() { Status = status, Title = title, Detail = detail };

    /// <summary>A 400 for input the endpoint itself refuses before any service runs.</summary>
    public static BadRequest<ProblemDetails> Invalid(string detail) =>
        TypedResults.BadRequest(Problem(StatusCodes.Status400BadRequest, "Invalid request", detail));
}
