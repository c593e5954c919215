using System.Globalization;
using Microsoft.Data.Sqlite;

namespace LlamaOrch.Engines.Persistence;

/// <summary>
/// What every SQLite file of ours does alike: open a connection, and at start put the file in WAL mode and bring its
/// schema to the version this build writes (<c>PRAGMA user_version</c>). A new, empty file gets the schema; a file
/// from a newer build, or an SQLite file that is not ours, stops start-up with a message that says so.
/// </summary>
internal static class SqliteFile
{
    public static async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <param name="what">What the file is, for the messages: "catalog", "artifact index".</param>
    /// <exception cref="InvalidDataException">A newer schema version, or tables without one (not our file).</exception>
    public static async Task MigrateAsync(
        string connectionString, string path, string what, int schemaVersion, string createSchema, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(connectionString, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                // WAL is a property of the file: set once, it stays for every later connection.
                command.CommandText = "PRAGMA journal_mode = WAL";
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

                command.CommandText = "PRAGMA user_version";
                var version = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                if (version == schemaVersion) return;
                if (version > schemaVersion)
                {
                    throw new InvalidDataException(
                        $"{path} has {what} schema version {version}, but this orchestratord understands up to {schemaVersion}; " +
                        $"run the newer orchestratord that wrote it, or move the file away to start an empty {what}.");
                }

                // Version 0 is a new (empty) file; anything else in it means it is not ours.
                command.CommandText = "SELECT count(*) FROM sqlite_schema";
                var objects = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                if (objects != 0)
                    throw new InvalidDataException($"{path} is an SQLite file but not a llama-orch {what} (it has tables and no schema version); move it away.");

                var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    command.Transaction = transaction;
                    command.CommandText = createSchema;
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}
