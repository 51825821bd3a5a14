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
}
