export {
  elementwiseLoss,
  LOSS_NAMES,
  parseLoss,
  perSampleLoss,
  reconstructionLoss,
  type LossName,
  type Reduction,
} from './reconstruction.js';
