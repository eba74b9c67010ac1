# AlloyDB cluster for the devtest environment.
# Module source: pcc-tf-library/modules/alloydb-cluster
# Planning reference: .claude/plans/devtest-deployment/phase-2.1.md

variable "alloydb_availability_type" {
  description = "Availability type for the primary instance (ZONAL or REGIONAL)"
  type        = string
  default     = "REGIONAL"
}

variable "alloydb_enable_read_pool" {
  description = "Whether to create the reporting read pool instance"
  type        = bool
  default     = true
}

variable "alloydb_pitr_days" {
  description = "Continuous backup recovery window in days"
  type        = number
  default     = 7
}

module "alloydb" {
  source = "../../../core/pcc-tf-library/modules/alloydb-cluster"

  project_id       = var.project_id
  cluster_id       = "pcc-alloydb-devtest"
  region           = var.region
  database_version = "POSTGRES_15"
  network_id       = data.google_compute_network.devtest.id

  primary_instance = {
    instance_id       = "pcc-alloydb-devtest-primary"
    cpu_count         = 2
    availability_type = var.alloydb_availability_type
  }

  read_pool_instances = var.alloydb_enable_read_pool ? [
    {
      instance_id = "pcc-alloydb-devtest-read-01"
      node_count  = 1
      cpu_count   = 2
    }
  ] : []

  automated_backup_policy = {
    enabled                        = true
    location                       = var.region
    backup_window                  = "3600s"
    quantity_based_retention_count = 14
    weekly_schedule = {
      days_of_week = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]
      start_times  = ["04:00"]
    }
  }

  continuous_backup_config = {
    enabled              = true
    recovery_window_days = var.alloydb_pitr_days
  }

  deletion_protection = false

  labels = {
    environment = "devtest"
    managed_by  = "terraform"
  }
}

output "alloydb_cluster_name" {
  description = "Full resource name of the AlloyDB cluster"
  value       = module.alloydb.cluster_name
}

output "alloydb_primary_instance" {
  description = "Full resource name of the primary instance (used by the Auth Proxy)"
  value       = module.alloydb.primary_instance_name
}

output "alloydb_psc_service_attachment" {
  description = "PSC service attachment for endpoint creation"
  value       = module.alloydb.psc_service_attachment
}
