using './main.bicep'

param subscriptionId = '2d68328e-bde2-4aeb-a5b4-1a11b4328961'
