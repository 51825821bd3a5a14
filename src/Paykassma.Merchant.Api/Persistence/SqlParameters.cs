using Npgsql;
using NpgsqlTypes;

namespace Paykassma.Merchant.Api.Persistence;

/// <summary>Positional (<c>$n</c>) parameters for the shorter statements, added in their order; each made as <see cref="Bound"/> makes a named statement's.</summary>
internal static class SqlParameters
{
    /// <summary>A typed value: no boxing, and the type is known to PostgreSQL without a cast.</summary>
    public static NpgsqlParameterCollection With<T>(this NpgsqlParameterCollection parameters, T value)
    {
        parameters.Add(Bound.Value(value));
        return parameters;
    }

    /// <summary>A value that may be null, with its type named (a null carries none).</summary>
    public static NpgsqlParameterCollection WithNullable(this NpgsqlParameterCollection parameters, object? value, NpgsqlDbType type)
    {
        parameters.Add(Bound.OrNull(value, type));
        return parameters;
    }

    /// <summary>Text from outside, fitted to its column (<see cref="ColumnText.Fit"/>); null stays null.</summary>
    public static NpgsqlParameterCollection WithText(this NpgsqlParameterCollection parameters, string? value, int maxLength)
    {
        parameters.Add(Bound.Text(value, maxLength));
        return parameters;
    }

    /// <summary>An array, for unnest or ANY; its elements may be null.</summary>
    public static NpgsqlParameterCollection WithArray<T>(this NpgsqlParameterCollection parameters, T[] values, NpgsqlDbType elementType)
    {
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | elementType, Value = values });
        return parameters;
    }
}
