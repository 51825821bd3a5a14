using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paykassma.Merchant.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class DepositProofCount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "proof_count",
                table: "deposits",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // The proofs stored so far count too: the limit guard reads this column from now on.
            migrationBuilder.Sql("""
                UPDATE deposits d SET proof_count = c.n
                FROM (SELECT deposit_id, count(*)::int AS n FROM proofs GROUP BY deposit_id) c
                WHERE d.id = c.deposit_id;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "proof_count",
                table: "deposits");
        }
    }
}
