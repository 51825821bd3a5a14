using Microsoft.AspNetCore.Http;
using Npgsql;
using Paykassma.Merchant.Api.Hosting;

namespace Paykassma.Merchant.Api.Tests.Hosting;

/// <summary>What escapes an endpoint becomes a 4xx for the client's mistakes, a 503 for our outages.</summary>
public sealed class ErrorHandlerTests
{
    public static TheoryData<Exception, int> Cases => new()
    {
        { new BadHttpRequestException("bad", StatusCodes.Status400BadRequest), 400 },
        { new BadHttpRequestException("too big", StatusCodes.Status413PayloadTooLarge), 413 },
        { new BadHttpRequestException("json", StatusCodes.Status400BadRequest, new System.Text.Json.JsonException("x", "$.amount", 0, 9)), 400 },
        { new NpgsqlException("connection refused"), 503 },
        { new TimeoutException(), 503 },
        { new InvalidOperationException("wrapped", new NpgsqlException("broken")), 503 },
        { new OperationCanceledException(), 503 },
        // SaveChanges wraps the connection failure: still an outage the caller may retry.
        { new Microsoft.EntityFrameworkCore.DbUpdateException("save", new NpgsqlException("connection refused")), 503 },
        { new InvalidOperationException("likely transient", new Microsoft.EntityFrameworkCore.DbUpdateException("save", new NpgsqlException("eof"))), 503 },
        // A value PostgreSQL cannot take (a NUL in text, a negative OFFSET) is about the request.
        { new PostgresException("invalid byte sequence", "ERROR", "ERROR", "22021"), 400 },
        { new Microsoft.EntityFrameworkCore.DbUpdateException("save", new PostgresException("bad", "ERROR", "ERROR", "2201X")), 400 },
        // Any other refusal by the database is our bug, not the client's and not an outage.
        { new Microsoft.EntityFrameworkCore.DbUpdateException("save", new PostgresException("dup", "ERROR", "ERROR", "23505")), 500 },
        // The server going away is an outage.
        { new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"), 503 },
        // Broken request framing that Kestrel reports as a plain IOException ("Bad chunk size data").
        { new IOException("Bad chunk size data."), 400 },
        { new InvalidOperationException("a bug"), 500 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Exceptions_map_to_the_right_status(Exception exception, int expected)
    {
        var (status, type, _, detail) = ErrorHandler.Classify(exception);

        Assert.Equal(expected, status);
        Assert.StartsWith(Problems.Base, type, StringComparison.Ordinal);
        if (status == 500)
        {
            Assert.Null(detail); // an internal error says nothing about its cause
        }
    }
}
