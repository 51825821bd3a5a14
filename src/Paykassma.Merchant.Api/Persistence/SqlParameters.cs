using Npgsql;
using NpgsqlTypes;

namespace Paykassma.Merchant.Api.Persistence;

/// <summary>Positional (<c>$n</c>) parameters for the named statements, added in their order.</summary>
internal static class SqlParameters
{
    /// <summary>A typed value: no boxing, and the type is known to PostgreSQL without a cast.</summary>
    public static NpgsqlParameterCollection With<T>(this NpgsqlParameterCollection parameters, T value)
    {
        parameters.Add(new NpgsqlParameter<T> { TypedValue = value });
        return parameters;
    }

    /// <summary>A value that may be null, with its type named (a null carries none).</summary>
    public static NpgsqlParameterCollection WithNullable(this NpgsqlParameterCollection parameters, object? value, NpgsqlDbType type)
    {
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = value ?? DBNull.Value });
        return parameters;
    }

    /// <summary>Text from outside, fitted to its column (<see cref="ColumnText.Fit"/>); null stays null.</summary>
    public static NpgsqlParameterCollection WithText(this NpgsqlParameterCollection parameters, string? value, int maxLength) =>
        parameters.WithNullable(ColumnText.Fit(value, maxLength), NpgsqlDbType.Text);

    /// <summary>An array, for unnest or ANY; its elements may be null.</summary>
    public static NpgsqlParameterCollection WithArray<T>(this NpgsqlParameterCollection parameters, T[] values, NpgsqlDbType elementType)
    {
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | elementType, Value = values });
        return parameters;
    }
}
