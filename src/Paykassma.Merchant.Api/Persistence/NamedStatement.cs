using Npgsql;
using NpgsqlTypes;

namespace Paykassma.Merchant.Api.Persistence;

/// <summary>
/// A statement whose parameters are written by name (<see cref="StatementParameters{TContext}"/>) and
/// bound from one input: its text is built once, and each name's binder says how its column is bound.
/// Adding a column is its name in the SQL and one binder, with no <c>$n</c> to renumber.
/// </summary>
internal sealed record NamedStatement<TInput>(string Text, StatementParameters<TInput> Parameters)
{
    public static NamedStatement<TInput> Build(IReadOnlyDictionary<string, Func<TInput, NpgsqlParameter>> binders,
        Func<StatementParameters<TInput>, string> text)
    {
        var parameters = new StatementParameters<TInput>(binders);
        return new NamedStatement<TInput>(text(parameters), parameters);
    }

    /// <summary>A data-source command of this statement, bound from <paramref name="input"/>.</summary>
    public NpgsqlCommand Command(NpgsqlDataSource dataSource, TInput input)
    {
        var command = dataSource.CreateCommand(Text);
        Parameters.Bind(command.Parameters, input);
        return command;
    }
}

/// <summary>The binders' parameters: how one value becomes an <see cref="NpgsqlParameter"/>.</summary>
internal static class Bound
{
    /// <summary>A typed value: no boxing, and the type is known to PostgreSQL without a cast.</summary>
    public static NpgsqlParameter Value<T>(T value) => new NpgsqlParameter<T> { TypedValue = value };

    /// <summary>A value that may be null, with its type named (a null carries none).</summary>
    public static NpgsqlParameter OrNull(object? value, NpgsqlDbType type) => new() { NpgsqlDbType = type, Value = value ?? DBNull.Value };

    /// <summary>Bytes written straight from this memory (a Stream parameter would be copied about three times).</summary>
    public static NpgsqlParameter Bytes(ReadOnlyMemory<byte> value) =>
        new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = value };

    /// <summary>Text from outside, fitted to its column (<see cref="ColumnText.Fit"/>); null stays null.</summary>
    public static NpgsqlParameter Text(string? value, int limit) => OrNull(ColumnText.Fit(value, limit), NpgsqlDbType.Text);
}
