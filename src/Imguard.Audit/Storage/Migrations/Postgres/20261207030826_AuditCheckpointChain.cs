using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Imguard.Audit.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditCheckpointChain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "policy_interval",
                table: "audit_checkpoints",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "policy_period_us",
                table: "audit_checkpoints",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "previous_digest",
                table: "audit_checkpoints",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "previous_sequence",
                table: "audit_checkpoints",
                type: "bigint",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "policy_interval",
                table: "audit_checkpoints");

            migrationBuilder.DropColumn(
                name: "policy_period_us",
                table: "audit_checkpoints");

            migrationBuilder.DropColumn(
                name: "previous_digest",
                table: "audit_checkpoints");

            migrationBuilder.DropColumn(
                name: "previous_sequence",
                table: "audit_checkpoints");
        }
    }
}
