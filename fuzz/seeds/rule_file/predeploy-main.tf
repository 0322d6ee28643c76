# The same two rules as alerts.yaml, in Terraform source.
variable "rg" {
  type = string
}

resource "azurerm_monitor_metric_alert" "cpu_hot" {
  name                = "cpu-hot"
  resource_group_name = var.rg
  scopes              = [azurerm_machine_learning_workspace.ws.id]
  severity            = 2
  frequency           = "PT5M"
  window_size         = "PT15M"

  criteria {
    metric_namespace = "Microsoft.MachineLearningServices/workspaces"
    metric_name      = "CpuUtilization"
    aggregation      = "Average"
    operator         = "GreaterThan"
    threshold        = 150

    dimension {
      name     = "DeviceId"
      operator = "Include"
      values   = ["0"]
    }
    dimension {
      name     = "NodeId"
      operator = "Exclude"
      values   = ["node-1"]
    }
  }

  criteria {
    metric_namespace = "Microsoft.MachineLearningServices/workspaces"
    metric_name      = "Failed Runs"
    aggregation      = "Total"
    operator         = "GreaterThan"
    threshold        = 0

    dimension {
      name     = "RunType"
      operator = "Include"
      values   = ["Pipeline"]
    }
  }
}

resource "azurerm_monitor_metric_alert" "gpu_dynamic" {
  name                = "gpu-dynamic"
  resource_group_name = var.rg
  scopes              = [azurerm_machine_learning_workspace.ws.id]
  severity            = 3
  frequency           = "PT5M"
  window_size         = "PT5M"

  dynamic_criteria {
    metric_namespace         = "Microsoft.MachineLearningServices/workspaces"
    metric_name              = "GpuUtilization"
    aggregation              = "Average"
    operator                 = "GreaterOrLessThan"
    alert_sensitivity        = "Medium"
    evaluation_total_count   = 4
    evaluation_failure_count = 5
  }
}

resource "azurerm_monitor_metric_alert" "vm_cpu" {
  name                = "vm-cpu"
  resource_group_name = var.rg
  scopes              = ["/subscriptions/0000/resourceGroups/vm/providers/Microsoft.Compute/virtualMachines/vm1"]
  criteria {
    metric_namespace = "Microsoft.Compute/virtualMachines"
    metric_name      = "Percentage CPU"
    aggregation      = "Average"
    operator         = "GreaterThan"
    threshold        = 90
  }
}
