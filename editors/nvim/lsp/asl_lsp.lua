-- For `vim.lsp.enable('asl_lsp')` without calling setup (Neovim 0.11+).
return require('asl').config()
