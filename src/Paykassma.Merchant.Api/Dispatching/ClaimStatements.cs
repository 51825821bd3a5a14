using Npgsql;
using Paykassma.Merchant.Api.Persistence;

namespace Paykassma.Merchant.Api.Dispatching;

/// <summary>Running a queue's claim statement (<see cref="IDispatchQueue{TItem}"/>): the one parameter order every claim takes.</summary>
internal static class ClaimStatements
{
    /// <summary>
    /// Runs <paramref name="statement"/> with $1 now, $2 the lease's end, $3 the batch size (and $4 the
    /// one item to claim, when given) and returns the ids it claimed. The claim is committed when this
    /// returns: the rows are the caller's until the lease ends, so reading them afterwards is exact.
    /// </summary>
    public static async Task<List<Guid>> ClaimIdsAsync(this NpgsqlDataSource dataSource, string statement, DateTimeOffset now,
        TimeSpan lease, int batchSize, CancellationToken cancellationToken, Guid? only = null)
    {
        var claimed = new List<Guid>(batchSize);
        await using var command = dataSource.CreateCommand(statement);
        command.Parameters.With(now).With(now + lease).With(batchSize);
        if (only is { } id)
        {
            command.Parameters.With(id);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(reader.GetGuid(0));
        }
        return claimed;
    }
}
