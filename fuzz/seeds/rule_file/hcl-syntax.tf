# expect: hcl-syntax 9:1
resource "azurerm_monitor_metric_alert" "failed_runs" {
  name     = "aml-failed-runs"
  scopes   = [azurerm_machine_learning_workspace.ws.id]
  severity = 2
}

# a stray brace
}
