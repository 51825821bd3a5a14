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
