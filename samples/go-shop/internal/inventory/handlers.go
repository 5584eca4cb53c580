package inventory

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
)

// ReserveRequest is the body of POST /reserve.
type ReserveRequest struct {
	OrderID string `json:"orderId" binding:"required"`
	Items   []Line `json:"items" binding:"required,min=1,dive"`
}

// Routes registers the inventory HTTP API.
func Routes(r gin.IRouter, s *Service) {
	r.GET("/stock/:sku", func(c *gin.Context) {
		stock, err := s.Check(c.Request.Context(), c.Param("sku"))
		if err != nil {
			c.JSON(status(err), gin.H{"error": err.Error()})
			return
		}
		c.JSON(http.StatusOK, stock)
	})

	r.POST("/reserve", func(c *gin.Context) {
		var req ReserveRequest
		if err := c.ShouldBindJSON(&req); err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
			return
		}
		if err := s.Reserve(c.Request.Context(), req.OrderID, req.Items); err != nil {
			c.JSON(status(err), gin.H{"error": err.Error()})
			return
		}
		c.JSON(http.StatusOK, gin.H{"orderId": req.OrderID, "reserved": len(req.Items)})
	})
}

func status(err error) int {
	switch {
	case errors.Is(err, ErrUnknownSKU):
		return http.StatusNotFound
	case errors.Is(err, ErrOutOfStock):
		return http.StatusConflict
	default:
		return http.StatusServiceUnavailable
	}
}
