using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Paykassma.Merchant.Api.Persistence;

/// <summary>
/// The one place that tells a database outage from a refusal. An outage (the server unreachable,
/// restarting, out of connections, a timeout) passes: the caller answers 503 and the client tries
/// again. A refusal (a constraint, a value the column cannot take) is about what was sent or about
/// our own SQL: trying again changes nothing, so it must never be answered as an outage.
/// </summary>
public static class DatabaseFailure
{
    public static bool IsOutage(Exception exception) => Unwrap(exception) switch
    {
        PostgresException refused => refused.IsTransient,
        NpgsqlException or TimeoutException => true,
        _ => false,
    };

    /// <summary>The database's refusal, when that is what the exception is.</summary>
    public static PostgresException? Refusal(Exception exception) =>
        Unwrap(exception) is PostgresException { IsTransient: false } refused ? refused : null;

    /// <summary>
    /// EF Core wraps what the database said (DbUpdateException from SaveChanges,
    /// InvalidOperationException from a query, a transaction or the retrying execution strategy, or
    /// both): judge the database's own error.
    /// </summary>
    public static Exception Unwrap(Exception exception) => exception switch
    {
        DbUpdateException { InnerException: { } inner } when Unwrap(inner) is NpgsqlException database => database,
        InvalidOperationException { InnerException: { } inner } when Unwrap(inner) is NpgsqlException database => database,
        _ => exception,
    };
}
