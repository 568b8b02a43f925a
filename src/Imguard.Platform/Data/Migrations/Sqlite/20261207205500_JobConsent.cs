using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Imguard.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class JobConsent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "signing_key",
                table: "users",
                type: "BLOB",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "signing_key_registered_at",
                table: "users",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "dispatched_at",
                table: "jobs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "job_approvals",
                columns: table => new
                {
                    job_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    key_fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    key = table.Column<byte[]>(type: "BLOB", maxLength: 256, nullable: false),
                    signature = table.Column<byte[]>(type: "BLOB", maxLength: 64, nullable: false),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    signed_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_job_approvals", x => new { x.job_id, x.key_fingerprint });
                    table.ForeignKey(
                        name: "fk_job_approvals_job_id",
                        column: x => x.job_id,
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_job_approvals_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "job_datasets",
                columns: table => new
                {
                    job_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    position = table.Column<int>(type: "INTEGER", nullable: false),
                    dataset_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    purpose = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    owner_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    owner_name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    owner_key = table.Column<byte[]>(type: "BLOB", maxLength: 256, nullable: false),
                    images = table.Column<int>(type: "INTEGER", nullable: false),
                    fractional_bits = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_job_datasets", x => new { x.job_id, x.position });
                    table.ForeignKey(
                        name: "fk_job_datasets_dataset_id",
                        column: x => x.dataset_id,
                        principalTable: "datasets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_job_datasets_job_id",
                        column: x => x.job_id,
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "job_recipients",
                columns: table => new
                {
                    job_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    position = table.Column<int>(type: "INTEGER", nullable: false),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    user_name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    key = table.Column<byte[]>(type: "BLOB", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_job_recipients", x => new { x.job_id, x.position });
                    table.ForeignKey(
                        name: "fk_job_recipients_job_id",
                        column: x => x.job_id,
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_job_recipients_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_job_approvals_user_id",
                table: "job_approvals",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_job_datasets_dataset_id",
                table: "job_datasets",
                column: "dataset_id");

            migrationBuilder.CreateIndex(
                name: "ix_job_datasets_owner_id",
                table: "job_datasets",
                column: "owner_id");

            migrationBuilder.CreateIndex(
                name: "ix_job_recipients_user_id",
                table: "job_recipients",
                column: "user_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "job_approvals");

            migrationBuilder.DropTable(
                name: "job_datasets");

            migrationBuilder.DropTable(
                name: "job_recipients");

            migrationBuilder.DropColumn(
                name: "signing_key",
                table: "users");

            migrationBuilder.DropColumn(
                name: "signing_key_registered_at",
                table: "users");

            migrationBuilder.DropColumn(
                name: "dispatched_at",
                table: "jobs");
        }
    }
}
